"""Lambda functions trace every invocation with X-Ray (Active; PassThrough traces nothing new)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get
from pci_pack.rule import Finding, resource_check

FUNCTION = "aws:lambda/function:Function"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    mode = get(args.props, "tracingConfig", "mode")
    if mode != "Active":
        yield (
            f"has X-Ray tracing mode {mode or 'PassThrough (default)'!r}",
            "set tracing_config={'mode': 'Active'}",
        )


POLICY = resource_policy(
    name="lambda-function-xray-active",
    description="Lambda functions must have X-Ray active tracing enabled.",
    validate=resource_check("Lambda function", (FUNCTION,), _check),
    reference="10.2.1",
    severity=Severity.MEDIUM,
    remediation="Set tracing_config mode 'Active' and grant the two xray:Put* actions.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
    tags=["lambda", "logging", "tracing"],
)
