"""IAM policies grant named actions only: no ``*``, ``service:*``, partial wildcards or NotAction.

A wildcard grants every action the service adds later as well, which no review approved.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.documents import actions, allow_statements, identity_documents
from pci_pack.meta import resource_policy
from pci_pack.props import label, message


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for where, document in identity_documents(args.resource_type, args.props):
        wild = sorted(
            {
                a
                for s in allow_statements(document)
                for a in actions(s)
                if "*" in a or a.startswith("NotAction:")
            }
        )
        if wild:
            report(
                message(
                    f"IAM {label(args.resource_type, args.name)} {where}",
                    f"allows wildcard actions {wild}",
                    "list the exact actions the code calls (e.g. dynamodb:PutItem)",
                ),
                None,
            )


POLICY = resource_policy(
    name="iam-no-wildcard-actions",
    description="IAM policies must not allow wildcard actions ('*', 'service:*', NotAction).",
    validate=_validate,
    reference="7.2.2",
    severity=Severity.CRITICAL,
    remediation="Replace wildcard actions with the exact API actions the function calls.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    tags=["iam", "least-privilege"],
)
