"""ECR repositories encrypt images with a customer-managed KMS key (not AES256)."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation, requires
from pci_pack.meta import resource_policy

TYPE = "aws:ecr/repository:Repository"
KEY_PATH = ("encryptionConfigurations", 0, "kmsKey")
FIX = "set encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': <CMK ARN>}]"
ENABLED = requires(
    ("encryptionConfigurations", 0, "encryptionType"),
    "KMS",
    "does not use KMS encryption (encryptionType is not 'KMS')",
)


POLICY = resource_policy(
    name="ecr-repository-cmk-encryption",
    description="ECR repositories must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(TYPE, "ECR repository", KEY_PATH, FIX, ENABLED),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
    tags=["ecr", "encryption"],
)
