"""No resource is protected: every environment of this stack must stay destroyable.

Review environments are created and torn down per change; a protected resource makes destroy
fail halfway and leaves a billable, data-holding remainder.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy
from pci_pack.rule import Finding, resource_check


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    if args.opts.protect:
        yield "is protected", "remove protect=True from its ResourceOptions"


POLICY = resource_policy(
    name="resource-not-protected",
    description="Resources must not set the protect option (stacks must stay destroyable).",
    validate=resource_check("", (), _check),
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Remove protect=True; protect data with backups (PITR) instead.",
    url="https://www.pulumi.com/docs/iac/concepts/options/protect/",
    tags=["destroyability"],
    rule_set=RuleSet.PLATFORM,
)
