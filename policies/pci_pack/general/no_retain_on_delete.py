"""No resource sets retainOnDelete (a destroyed stack would leave orphans behind).

The Pulumi engine does not pass ``retainOnDelete`` to policies, so under ``pulumi preview`` this
rule reports itself not applicable; the offline evaluator passes it (``opts.retain_on_delete``)
and the compliance report checks the stack export.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy
from pci_pack.rule import Finding, resource_check


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    retain = getattr(args.opts, "retain_on_delete", None)
    if retain is None:
        args.not_applicable("the engine does not expose retainOnDelete to policies")
    if retain:
        yield "sets retain_on_delete", "remove retain_on_delete=True from its ResourceOptions"


POLICY = resource_policy(
    name="resource-no-retain-on-delete",
    description="Resources must not set retainOnDelete (stacks must stay destroyable).",
    validate=resource_check("", (), _check),
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Remove retain_on_delete=True.",
    url="https://www.pulumi.com/docs/iac/concepts/options/retainondelete/",
    tags=["destroyability"],
    rule_set=RuleSet.PLATFORM,
)
