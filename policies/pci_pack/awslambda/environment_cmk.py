"""Lambda environment variables are encrypted with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import cmk_problem, label, matches, message, peek

FUNCTION = "aws:lambda/function:Function"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    if not peek(args.props, "environment", "variables"):
        args.not_applicable("the function has no environment variables")
    problem = cmk_problem(peek(args.props, "kmsKeyArn"), "kmsKeyArn")
    if problem:
        report(
            message(
                f"Lambda function {label(args.resource_type, args.name)}",
                problem,
                "set kms_key_arn to the stack's customer-managed key ARN",
            ),
            None,
        )


POLICY = resource_policy(
    name="lambda-function-environment-cmk",
    description="Lambda environment variables must be encrypted with a customer-managed KMS key.",
    validate=_validate,
    reference="3.5.1",
    severity=Severity.MEDIUM,
    remediation="Set kms_key_arn on the function (and grant the function's role kms:Decrypt).",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
    tags=["lambda", "encryption"],
)
