"""Secrets Manager secrets are encrypted with a customer-managed KMS key, not aws/secretsmanager."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy

SECRET = "aws:secretsmanager/secret:Secret"  # noqa: S105 (a type token)

POLICY = resource_policy(
    name="secretsmanager-secret-cmk-encryption",
    description="Secrets Manager secrets must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(
        SECRET, "Secret", ("kmsKeyId",), "set kms_key_id to a customer-managed key ARN"
    ),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set kms_key_id on the secret to a customer-managed key.",
    url="https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    tags=["secretsmanager", "encryption"],
)
