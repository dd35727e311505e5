"""ECR repositories encrypt images with a customer-managed KMS key (not AES256)."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy
from pci_pack.props import peek

TYPE = "aws:ecr/repository:Repository"
KEY_PATH = ("encryptionConfigurations", 0, "kmsKey")
FIX = "set encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': <CMK ARN>}]"


def _enabled(args: ResourceValidationArgs) -> str | None:
    if peek(args.props, "encryptionConfigurations", 0, "encryptionType") != "KMS":
        return "does not use KMS encryption (encryptionType is not 'KMS')"
    return None


POLICY = resource_policy(
    name="ecr-repository-cmk-encryption",
    description="ECR repositories must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(
        TYPE, "ECR repository", ("encryptionConfigurations", 0, "kmsKey"), FIX, _enabled
    ),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html",
    tags=["ecr", "encryption"],
)
