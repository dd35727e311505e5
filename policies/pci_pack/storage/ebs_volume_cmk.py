"""EBS volumes are encrypted with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation, requires
from pci_pack.meta import resource_policy

TYPE = "aws:ebs/volume:Volume"
FIX = "set encrypted=True and kms_key_id to a customer-managed key ARN"
ENABLED = requires(("encrypted",), True, "is not encrypted (encrypted is not true)")


POLICY = resource_policy(
    name="ebs-volume-cmk-encryption",
    description="EBS volumes must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(
        TYPE,
        "EBS volume",
        ("kmsKeyId",),
        FIX,
        ENABLED,
    ),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
    tags=["ebs", "encryption"],
)
