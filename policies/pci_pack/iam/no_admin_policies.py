"""No administrator-level or ``*FullAccess`` AWS managed policy is attached to any principal.

Attachments are read from a role's ``managedPolicyArns``, the attachment resources and
``RolePolicyAttachmentsExclusive``; denied names are shell-style patterns matched against the
policy's name with and without its path (``service-role/...``).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import as_list, get, label, matches, message

ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
ROLE = "aws:iam/role:Role"
CONFIG = {
    "deniedPolicies": {
        "type": "array",
        "items": {"type": "string"},
        "default": [
            "AdministratorAccess",
            "PowerUserAccess",
            "IAMFullAccess",
            "job-function/SystemAdministrator",
            "*FullAccess",
        ],
        "description": "Patterns of AWS managed policy names that may not be attached.",
    }
}


def _attached(resource_type: str, props: object) -> list[object]:
    if matches(resource_type, *ATTACHMENTS):
        return [get(props, "policyArn")]
    if matches(resource_type, EXCLUSIVE):
        return as_list(get(props, "policyArns"))
    if matches(resource_type, ROLE):
        return as_list(get(props, "managedPolicyArns"))
    return []


def denied_policy(arn: object, patterns: list[str]) -> bool:
    """True when ``arn`` is a managed policy whose name (with or without path) is denied."""
    if not isinstance(arn, str) or ":policy/" not in arn:
        return False
    path = arn.split(":policy/", 1)[1]
    names = {path, path.rsplit("/", 1)[-1]}
    return any(fnmatchcase(n, p) for n in names for p in patterns)


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    denied = list(setting(args, "deniedPolicies", CONFIG))
    for arn in _attached(args.resource_type, args.props):
        if denied_policy(arn, denied):
            report(
                message(
                    f"IAM {label(args.resource_type, args.name)}",
                    f"attaches the administrator policy {arn}",
                    "detach it and grant the exact actions in an inline least-privilege policy",
                ),
                None,
            )


POLICY = resource_policy(
    name="iam-no-admin-policies",
    description="Administrator-level and *FullAccess AWS managed policies must not be attached.",
    validate=_validate,
    reference="7.2.2",
    severity=Severity.CRITICAL,
    remediation="Detach the admin policy; grant only the actions the workload needs.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html",
    tags=["iam", "least-privilege"],
    config=CONFIG,
)
