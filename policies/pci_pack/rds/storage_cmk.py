"""RDS instances and Aurora clusters store data encrypted with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation, requires
from pci_pack.meta import resource_policy

TYPES = ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster")


POLICY = resource_policy(
    name="rds-storage-cmk-encryption",
    description="RDS instances and Aurora clusters must be encrypted with a customer-managed key.",
    validate=cmk_validation(
        TYPES,
        "Database",
        ("kmsKeyId",),
        "set storage_encrypted=True and kms_key_id to a customer-managed key ARN",
        requires(
            ("storageEncrypted",),
            True,
            "does not encrypt its storage (storageEncrypted is not true)",
        ),
    ),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set storage_encrypted=True and kms_key_id (encryption is chosen at creation).",
    url="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
    tags=["rds", "encryption"],
)
