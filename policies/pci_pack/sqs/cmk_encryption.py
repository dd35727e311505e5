"""SQS queues encrypt messages with a customer-managed KMS key (not SQS-managed SSE)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import cmk_problem, label, matches, message, peek

QUEUE = "aws:sqs/queue:Queue"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, QUEUE):
        return
    problem = cmk_problem(peek(args.props, "kmsMasterKeyId"), "kmsMasterKeyId")
    if problem:
        report(
            message(
                f"SQS queue {label(args.resource_type, args.name)}",
                problem,
                "set kms_master_key_id to the stack's customer-managed key ARN",
            ),
            None,
        )


POLICY = resource_policy(
    name="sqs-queue-cmk-encryption",
    description="SQS queues must be encrypted with a customer-managed KMS key.",
    validate=_validate,
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set kms_master_key_id to a customer-managed key (not alias/aws/sqs, not SSE-SQS).",
    url="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
    tags=["sqs", "encryption"],
)
