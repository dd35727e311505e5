"""API Gateway stages (REST, HTTP and WebSocket) write access logs to a destination."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import peek
from pci_pack.rule import Finding, resource_check

STAGES = ("aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage")


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    if not peek(args.props, "accessLogSettings", "destinationArn"):
        yield (
            "has no access logging",
            "set access_log_settings={'destination_arn': <log group ARN>, 'format': ...}",
        )


POLICY = resource_policy(
    name="apigateway-stage-access-logging",
    description="API Gateway stages must write access logs (REST and HTTP/WebSocket APIs).",
    validate=resource_check("API stage", STAGES, _check),
    reference="10.2.1",
    severity=Severity.MEDIUM,
    remediation="Set access_log_settings with a CloudWatch log group destination.",
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    tags=["apigateway", "logging"],
)
