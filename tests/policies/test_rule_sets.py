"""Rule sets: every policy is in exactly one, and a pack config can run the PCI DSS set alone."""

from __future__ import annotations

import json

import pytest
from pulumi_policy import EnforcementLevel

from pci_pack import all_policies
from pci_pack.meta import RuleSet
from pci_pack.rule_sets import main, pack_config, rule_set_of

POLICIES = all_policies()
PLATFORM = {p.name for p in POLICIES if rule_set_of(p) is RuleSet.PLATFORM}
# What the platform's own requirements say must hold: these conventions are not advice.
MANDATORY_CONVENTIONS = {
    "lambda-function-arm64",
    "lambda-function-reserved-concurrency",
    "dynamodb-table-on-demand-billing",
    "resource-name-environment-suffix",
    "required-tags",
    "resource-not-protected",
    "resource-no-deletion-protection",
    "resource-no-retain-on-delete",
}


def test_both_sets_have_rules() -> None:
    assert PLATFORM
    assert {p.name for p in POLICIES} - PLATFORM


def test_the_platform_requirements_are_mandatory_conventions() -> None:
    levels = {p.name: p.enforcement_level for p in POLICIES}
    assert MANDATORY_CONVENTIONS <= PLATFORM
    assert {levels[n] for n in MANDATORY_CONVENTIONS} == {EnforcementLevel.MANDATORY}


def test_pci_only_config_disables_exactly_the_conventions() -> None:
    config = pack_config([RuleSet.PCI_DSS], POLICIES)
    assert set(config) == PLATFORM
    assert all(v == {"enforcementLevel": "disabled"} for v in config.values())


def test_both_sets_is_an_empty_config() -> None:
    assert pack_config(list(RuleSet), POLICIES) == {}


def test_cli_prints_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    main(["pci-dss"])
    assert set(json.loads(capsys.readouterr().out)) == PLATFORM


def test_cli_refuses_an_unknown_set() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["conventions"])
    assert exited.value.code == 2
