"""AWS providers deploy to the allowed regions only (us-east-1 by default).

Checked on the provider resources themselves and on the provider each resource uses, so a
default provider configured from ``aws:region`` is covered too; reported once per provider.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.meta import RuleSet, setting, stack_policy
from pci_pack.props import UNKNOWN, label, matches, message, peek

AWS_PROVIDER = "pulumi:providers:aws"
CONFIG = {
    "allowedRegions": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["us-east-1"],
    }
}


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    allowed = list(setting(args, "allowedRegions", CONFIG))
    providers = {
        r.urn: (r.resource_type, r.name, r.props)
        for r in args.resources
        if matches(r.resource_type, AWS_PROVIDER)
    }
    for r in args.resources:
        p = r.provider
        if p is not None and matches(p.resource_type, AWS_PROVIDER):
            providers.setdefault(p.urn, (p.resource_type, p.name, p.props))
    for urn, (kind, name, props) in sorted(providers.items()):
        region = peek(props, "region")
        if region is UNKNOWN or region in allowed:
            continue
        shown = "no explicit region (taken from the environment)" if region is None else region
        report(
            message(
                f"AWS provider {label(kind, name)}",
                f"deploys to {shown}, not one of {allowed}",
                f"set region to one of {allowed} on the provider (or aws:region in stack config)",
            ),
            urn,
        )


POLICY = stack_policy(
    name="aws-provider-allowed-region",
    description="AWS providers must target an allowed region (default us-east-1).",
    validate=_validate,
    reference="12.5.2",
    severity=Severity.MEDIUM,
    remediation="Set the provider's region to an allowed region.",
    url="https://www.pulumi.com/registry/packages/aws/installation-configuration/",
    tags=["aws", "provider", "scope"],
    rule_set=RuleSet.PLATFORM,
    config=CONFIG,
)
