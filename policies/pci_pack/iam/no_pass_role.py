"""No IAM policy in this stack grants ``iam:PassRole`` (directly or through a wildcard).

Neither function creates AWS resources that take a role; PassRole would let a compromised
function hand a more privileged role to a new resource (privilege escalation).
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.documents import allow_statements, grants, identity_documents
from pci_pack.meta import resource_policy
from pci_pack.props import label, message


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for where, document in identity_documents(args.resource_type, args.props):
        if any(grants(s, "iam:PassRole") for s in allow_statements(document)):
            report(
                message(
                    f"IAM {label(args.resource_type, args.name)} {where}",
                    "allows iam:PassRole",
                    "remove iam:PassRole (and any wildcard that covers it)",
                ),
                None,
            )


POLICY = resource_policy(
    name="iam-no-pass-role",
    description="IAM policies must not allow iam:PassRole.",
    validate=_validate,
    reference="7.2.2",
    severity=Severity.CRITICAL,
    remediation="Remove iam:PassRole; no function in this stack needs to pass a role.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
    tags=["iam", "least-privilege", "privilege-escalation"],
)
