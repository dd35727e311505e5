"""Select rule sets with a pack config: every rule outside the chosen sets is disabled.

``python -m pci_pack.rule_sets pci-dss`` (from ``policies/``) prints the
``--policy-pack-config`` JSON that runs only the PCI DSS rules; with no argument every set stays
on, which is what this platform's own stack runs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from typing import Any

from pulumi_policy import Policy

from pci_pack.meta import RuleSet, rule_set_tag
from pci_pack.registry import all_policies


def rule_set_of(policy: Policy) -> RuleSet:
    """The set a policy was registered in (from its ``rule-set:`` tag)."""
    for rule_set in RuleSet:
        if rule_set_tag(rule_set) in (policy.tags or []):
            return rule_set
    msg = f"policy {policy.name!r} carries no rule-set tag"
    raise ValueError(msg)


def pack_config(enabled: Iterable[RuleSet], policies: Iterable[Policy]) -> dict[str, Any]:
    """The pack config that disables every policy outside ``enabled``."""
    keep = set(enabled)
    return {
        p.name: {"enforcementLevel": "disabled"} for p in policies if rule_set_of(p) not in keep
    }


def main(argv: list[str] | None = None) -> None:
    """Print the pack config for the rule sets named on the command line (default: all)."""
    parser = argparse.ArgumentParser(prog="python -m pci_pack.rule_sets", description=__doc__)
    parser.add_argument("rule_sets", nargs="*", choices=[r.value for r in RuleSet])
    chosen = parser.parse_args(argv).rule_sets or [r.value for r in RuleSet]
    config = pack_config((RuleSet(r) for r in chosen), all_policies())
    print(json.dumps(config, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
