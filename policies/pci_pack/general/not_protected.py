"""No resource is protected: every environment of this stack must stay destroyable.

Review environments are created and torn down per change; a protected resource makes destroy
fail halfway and leaves a billable, data-holding remainder.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy
from pci_pack.props import label, message


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.opts.protect:
        report(
            message(
                label(args.resource_type, args.name),
                "is protected",
                "remove protect=True from its ResourceOptions",
            ),
            None,
        )


POLICY = resource_policy(
    name="resource-not-protected",
    description="Resources must not set the protect option (stacks must stay destroyable).",
    validate=_validate,
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Remove protect=True; protect data with backups (PITR) instead.",
    url="https://www.pulumi.com/docs/iac/concepts/options/protect/",
    tags=["destroyability"],
    rule_set=RuleSet.PLATFORM,
)
