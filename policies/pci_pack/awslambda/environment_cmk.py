"""Lambda environment variables are encrypted with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy
from pci_pack.props import peek

FUNCTION = "aws:lambda/function:Function"
FIX = "set kms_key_arn to the stack's customer-managed key ARN"


def _has_variables(args: ResourceValidationArgs) -> str | None:
    if not peek(args.props, "environment", "variables"):
        args.not_applicable("the function has no environment variables")
    return None


POLICY = resource_policy(
    name="lambda-function-environment-cmk",
    description="Lambda environment variables must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(FUNCTION, "Lambda function", ("kmsKeyArn",), FIX, _has_variables),
    reference="3.5.1",
    severity=Severity.MEDIUM,
    remediation="Set kms_key_arn on the function (and grant the function's role kms:Decrypt).",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
    tags=["lambda", "encryption"],
)
