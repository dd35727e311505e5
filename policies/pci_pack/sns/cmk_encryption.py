"""SNS topics encrypt messages with a customer-managed KMS key (not alias/aws/sns)."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy

TOPIC = "aws:sns/topic:Topic"
FIX = "set kms_master_key_id to the stack's customer-managed key ARN"


POLICY = resource_policy(
    name="sns-topic-cmk-encryption",
    description="SNS topics must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(TOPIC, "SNS topic", ("kmsMasterKeyId",), FIX),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set kms_master_key_id to a customer-managed key, not alias/aws/sns.",
    url="https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
    tags=["sns", "encryption"],
)
