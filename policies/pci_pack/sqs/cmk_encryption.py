"""SQS queues encrypt messages with a customer-managed KMS key (not SQS-managed SSE)."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy

QUEUE = "aws:sqs/queue:Queue"
FIX = "set kms_master_key_id to the stack's customer-managed key ARN"


POLICY = resource_policy(
    name="sqs-queue-cmk-encryption",
    description="SQS queues must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(QUEUE, "SQS queue", ("kmsMasterKeyId",), FIX),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set kms_master_key_id to a customer-managed key (not alias/aws/sqs, not SSE-SQS).",
    url="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
    tags=["sqs", "encryption"],
)
