"""SSM parameters are SecureStrings encrypted with a customer-managed KMS key.

Every parameter in this stack holds webhook verification material or configuration the
receiver trusts, so plain ``String`` parameters are not allowed.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import cmk_problem, get, label, matches, message, peek

PARAMETER = "aws:ssm/parameter:Parameter"
FIX = "set type='SecureString' and key_id to the stack's customer-managed key ARN"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, PARAMETER):
        return
    subject = f"SSM parameter {label(args.resource_type, args.name)}"
    kind = get(args.props, "type")
    if kind != "SecureString":
        report(message(subject, f"has type {kind!r}, not 'SecureString'", FIX), None)
        return
    problem = cmk_problem(peek(args.props, "keyId"), "keyId")
    if problem:
        report(message(subject, problem, FIX), None)


POLICY = resource_policy(
    name="ssm-parameter-secure-string-cmk",
    description="SSM parameters must be SecureStrings encrypted with a customer-managed KMS key.",
    validate=_validate,
    reference="3.5.1",
    severity=Severity.CRITICAL,
    remediation="Use type='SecureString' with key_id set to a customer-managed key.",
    url="https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",
    tags=["ssm", "encryption", "secrets"],
)
