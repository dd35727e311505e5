"""Kinesis data streams are encrypted server-side with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation, requires
from pci_pack.meta import resource_policy

TYPE = "aws:kinesis/stream:Stream"
FIX = "set encryption_type='KMS' and kms_key_id to a customer-managed key ARN"
ENABLED = requires(
    ("encryptionType",),
    "KMS",
    "has no server-side encryption (encryptionType is not 'KMS')",
)


POLICY = resource_policy(
    name="kinesis-stream-cmk-encryption",
    description="Kinesis streams must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(
        TYPE,
        "Kinesis stream",
        ("kmsKeyId",),
        FIX,
        ENABLED,
    ),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html",
    tags=["kinesis", "encryption"],
)
