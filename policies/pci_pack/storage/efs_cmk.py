"""EFS file systems are encrypted at rest with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation, requires
from pci_pack.meta import resource_policy

TYPE = "aws:efs/fileSystem:FileSystem"
FIX = "set encrypted=True and kms_key_id to a customer-managed key ARN"
ENABLED = requires(("encrypted",), True, "is not encrypted at rest (encrypted is not true)")


POLICY = resource_policy(
    name="efs-file-system-cmk-encryption",
    description="EFS file systems must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(
        TYPE,
        "EFS file system",
        ("kmsKeyId",),
        FIX,
        ENABLED,
    ),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
    tags=["efs", "encryption"],
)
