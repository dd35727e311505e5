"""DynamoDB tables encrypt at rest with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import cmk_problem, get, label, matches, message, peek

TABLE = "aws:dynamodb/table:Table"
FIX = "set server_side_encryption={'enabled': True, 'kms_key_arn': <the stack's CMK ARN>}"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, TABLE):
        return
    subject = f"DynamoDB table {label(args.resource_type, args.name)}"
    if get(args.props, "serverSideEncryption", "enabled") is not True:
        report(message(subject, "does not enable server-side encryption with KMS", FIX), None)
        return
    problem = cmk_problem(peek(args.props, "serverSideEncryption", "kmsKeyArn"), "kmsKeyArn")
    if problem:
        report(message(subject, problem, FIX), None)


POLICY = resource_policy(
    name="dynamodb-table-cmk-encryption",
    description="DynamoDB tables must be encrypted with a customer-managed KMS key.",
    validate=_validate,
    reference="3.5.1",
    severity=Severity.CRITICAL,
    remediation="Enable server_side_encryption with kms_key_arn set to a customer-managed key.",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
    tags=["dynamodb", "encryption"],
)
