"""Lambda functions have a dead-letter target, so failed async events are kept, not dropped."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import label, matches, message, peek

FUNCTION = "aws:lambda/function:Function"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    # An unknown target is the DLQ's ARN before the queue exists: configured, so it passes.
    if not peek(args.props, "deadLetterConfig", "targetArn"):
        report(
            message(
                f"Lambda function {label(args.resource_type, args.name)}",
                "has no dead-letter target",
                "set dead_letter_config={'target_arn': <the DLQ's ARN>} and grant sqs:SendMessage",
            ),
            None,
        )


POLICY = resource_policy(
    name="lambda-function-dead-letter-target",
    description="Lambda functions must have a dead-letter queue or topic for failed async events.",
    validate=_validate,
    reference="10.7.2",
    severity=Severity.HIGH,
    remediation="Set dead_letter_config.target_arn to an encrypted SQS queue or SNS topic.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
    tags=["lambda", "reliability"],
)
