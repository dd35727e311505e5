"""IAM policies scope actions to resource ARNs; ``Resource: "*"`` only for actions that need it.

Some actions have no resource-level permissions (X-Ray segments, CloudWatch metrics): those are
allow-listed in config; everything else must name its ARNs. An ARN with a wildcard service,
region or account, or a wildcard resource part (``arn:aws:logs:*:*:*``) is as broad as ``*``.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.documents import actions, allow_statements, has_star_resource, identity_documents
from pci_pack.meta import resource_policy, setting
from pci_pack.props import as_list, label, message

CONFIG = {
    "allowedActions": {
        "type": "array",
        "items": {"type": "string"},
        "default": [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "cloudwatch:PutMetricData",
        ],
        "description": "Actions allowed on Resource '*' (they support no resource-level scope).",
    }
}


def wildcard_arn(resource: object) -> bool:
    """True for an ARN whose service, region or account is a wildcard, or whose resource is."""
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        return False
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return "*" in resource
    service, region, account, rest = parts[2], parts[3], parts[4], parts[5]
    return any("*" in p for p in (service, region, account)) or rest == "*"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = {a.lower() for a in setting(args, "allowedActions", CONFIG)}
    for where, document in identity_documents(args.resource_type, args.props):
        unscoped = sorted(
            {
                a
                for s in allow_statements(document)
                if has_star_resource(s)
                for a in actions(s)
                if a.lower() not in allowed
            }
        )
        broad = sorted(
            {
                str(r)
                for s in allow_statements(document)
                for r in as_list(s.get("Resource"))
                if wildcard_arn(r)
            }
        )
        if broad:
            report(
                message(
                    f"IAM {label(args.resource_type, args.name)} {where}",
                    f"allows wildcard ARNs {broad}",
                    "name the region, account and resource in each ARN",
                ),
                None,
            )
        if unscoped:
            report(
                message(
                    f"IAM {label(args.resource_type, args.name)} {where}",
                    f"allows {unscoped} on Resource '*'",
                    "scope those statements to the exact resource ARNs",
                ),
                None,
            )


POLICY = resource_policy(
    name="iam-no-wildcard-resources",
    description="IAM policies must not use Resource '*' except for allow-listed actions.",
    validate=_validate,
    reference="7.2.2",
    severity=Severity.HIGH,
    remediation="Scope statements to resource ARNs; only allow-listed actions may use '*'.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    tags=["iam", "least-privilege"],
    config=CONFIG,
)
