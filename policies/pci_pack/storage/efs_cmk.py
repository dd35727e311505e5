"""EFS file systems are encrypted at rest with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy
from pci_pack.props import peek

TYPE = "aws:efs/fileSystem:FileSystem"
FIX = "set encrypted=True and kms_key_id to a customer-managed key ARN"


def _enabled(args: ResourceValidationArgs) -> str | None:
    if peek(args.props, "encrypted") is not True:
        return "is not encrypted at rest (encrypted is not true)"
    return None


POLICY = resource_policy(
    name="efs-file-system-cmk-encryption",
    description="EFS file systems must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(TYPE, "EFS file system", ("kmsKeyId",), FIX, _enabled),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
    tags=["efs", "encryption"],
)
