"""Lambda functions have a dead-letter target, so failed async events are kept, not dropped."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import peek
from pci_pack.rule import Finding, resource_check

FUNCTION = "aws:lambda/function:Function"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    # An unknown target is the DLQ's ARN before the queue exists: configured, so it passes.
    if not peek(args.props, "deadLetterConfig", "targetArn"):
        yield (
            "has no dead-letter target",
            "set dead_letter_config={'target_arn': <the DLQ's ARN>} and grant sqs:SendMessage",
        )


POLICY = resource_policy(
    name="lambda-function-dead-letter-target",
    description="Lambda functions must have a dead-letter queue or topic for failed async events.",
    validate=resource_check("Lambda function", (FUNCTION,), _check),
    reference="10.7.2",
    severity=Severity.HIGH,
    remediation="Set dead_letter_config.target_arn to an encrypted SQS queue or SNS topic.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
    tags=["lambda", "reliability"],
)
