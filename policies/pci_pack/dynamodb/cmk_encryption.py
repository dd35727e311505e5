"""DynamoDB tables encrypt at rest with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy
from pci_pack.props import get

TABLE = "aws:dynamodb/table:Table"
FIX = "set server_side_encryption={'enabled': True, 'kms_key_arn': <the stack's CMK ARN>}"


def _encryption_enabled(args: ResourceValidationArgs) -> str | None:
    if get(args.props, "serverSideEncryption", "enabled") is not True:
        return "does not enable server-side encryption with KMS"
    return None


POLICY = resource_policy(
    name="dynamodb-table-cmk-encryption",
    description="DynamoDB tables must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(
        TABLE,
        "DynamoDB table",
        ("serverSideEncryption", "kmsKeyArn"),
        FIX,
        _encryption_enabled,
    ),
    reference="3.5.1",
    severity=Severity.CRITICAL,
    remediation="Enable server_side_encryption with kms_key_arn set to a customer-managed key.",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
    tags=["dynamodb", "encryption"],
)
