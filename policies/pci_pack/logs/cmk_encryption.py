"""CloudWatch log groups encrypt log data with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import cmk_problem, label, matches, message, peek

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, LOG_GROUP):
        return
    problem = cmk_problem(peek(args.props, "kmsKeyId"), "kmsKeyId")
    if problem:
        report(
            message(
                f"Log group {label(args.resource_type, args.name)}",
                problem,
                "set kms_key_id to the stack's CMK ARN (its key policy must allow "
                "logs.<region>.amazonaws.com)",
            ),
            None,
        )


POLICY = resource_policy(
    name="cloudwatch-log-group-cmk-encryption",
    description="CloudWatch log groups must be encrypted with a customer-managed KMS key.",
    validate=_validate,
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set kms_key_id on the log group; allow CloudWatch Logs in the key policy.",
    url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    tags=["logs", "encryption"],
)
