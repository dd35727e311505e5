"""The control catalog: well-formed, and consistent with the pack's own PCI references."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from compliance.catalog import (
    CatalogError,
    PolicyInfo,
    discover_policies,
    load_catalog,
    policies_by_requirement,
    suppression_problems,
)
from compliance.checkov import load_skip_rules

REQUIRED = {
    "3.5.1",
    "3.6.1",
    "3.7.1",
    "3.7.2",
    "3.7.3",
    "3.7.4",
    "3.7.5",
    "4.2.1",
    "6.3.3",
    "7.2.1",
    "7.2.2",
    "7.2.5",
    "10.2.1",
    "10.5.1",
    "3.2.1",
    "3.3.1",
    "3.4.1",
}


def test_catalog_lists_the_requirements_the_issue_names():
    catalog = load_catalog()
    assert set(catalog.ids) >= REQUIRED
    assert any(i.startswith("8.6.") for i in catalog.ids)
    assert any(i.startswith("10.3.") for i in catalog.ids)
    assert any(i.startswith("10.7.") for i in catalog.ids)


def test_every_policy_of_the_pack_maps_to_a_catalog_requirement():
    catalog = load_catalog()
    policies = discover_policies()
    assert len(policies) >= 20
    mapped = policies_by_requirement(catalog, policies)
    assert sum(len(v) for v in mapped.values()) >= len(policies)
    assert {p.name for v in mapped.values() for p in v} == {p.name for p in policies}


def test_a_policy_referencing_an_unknown_requirement_is_an_error():
    stray = PolicyInfo("x-policy", "", "mandatory", "high", ("99.9.9",), "")
    with pytest.raises(CatalogError, match=r"x-policy.*99\.9\.9"):
        policies_by_requirement(load_catalog(), [stray])


def test_a_policy_without_a_reference_is_an_error():
    bare = PolicyInfo("bare", "", "mandatory", "high", (), "")
    with pytest.raises(CatalogError, match="bare"):
        policies_by_requirement(load_catalog(), [bare])


def test_10_5_1_is_partial_unless_an_archive_exists_and_says_how_to_fix_it():
    req = load_catalog().get("10.5.1")
    assert req.partial_unless is not None
    assert req.partial_unless.min_log_retention_days == 365
    assert "archive" in req.partial_unless.gap
    assert req.remediation
    assert "Object Lock" in req.remediation


def test_suppressed_checks_are_documented_exceptions_never_evidence():
    catalog = load_catalog()
    rules = load_skip_rules()
    assert all(len(rule.reason) > 40 for rule in rules)
    assert suppression_problems(catalog, (rule.check for rule in rules)) == []
    evidence = {c for r in catalog.requirements for c in r.checkov}
    assert evidence.isdisjoint(rule.check for rule in rules)


def test_a_suppressed_check_listed_as_evidence_or_an_undocumented_one_is_a_problem():
    catalog = load_catalog()
    suppressed = [rule.check for rule in load_skip_rules()]
    counted = catalog.model_copy(deep=True)
    retention = counted.get("10.5.1")
    retention.checkov.append("CKV_AWS_338")
    retention.checkov_exceptions.remove("CKV_AWS_338")
    assert suppression_problems(counted, suppressed) == [
        "10.5.1 counts suppressed check CKV_AWS_338 as evidence (move it to checkov_exceptions)",
        "suppressed check CKV_AWS_338 is no requirement's documented exception",
    ]
    assert suppression_problems(catalog, [*suppressed, "CKV_AWS_1"]) == [
        "suppressed check CKV_AWS_1 is no requirement's documented exception"
    ]
    assert suppression_problems(catalog, [c for c in suppressed if c != "CKV_AWS_338"]) == [
        "10.5.1 lists exception CKV_AWS_338, which compliance/checkov/skips.yaml does not suppress"
    ]


def test_a_check_cannot_be_both_evidence_and_exception(tmp_path):
    path = tmp_path / "c.yaml"
    both = {**BASE, "checkov": ["CKV_AWS_7"], "checkov_exceptions": ["CKV_AWS_7"]}
    path.write_text(yaml.safe_dump({"requirements": [both]}))
    with pytest.raises(CatalogError, match="both evidence and exception"):
        load_catalog(path)


def _write(tmp_path: Path, requirement: dict) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"requirements": [requirement, requirement]}))
    return path


BASE = {
    "id": "3.5.1",
    "title": "t",
    "responsibility": "shared",
    "how_met": "h",
    "evidence": ["policies"],
    "checkov": [],
    "aws_config": [],
    "prowler": [],
    "remediation": "r",
}


def test_duplicate_requirement_ids_are_rejected(tmp_path):
    with pytest.raises(CatalogError, match="listed twice"):
        load_catalog(_write(tmp_path, BASE))


def test_a_requirement_without_remediation_is_rejected(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"requirements": [{**BASE, "remediation": None}]}))
    with pytest.raises(CatalogError, match="remediation"):
        load_catalog(path)


def test_ids_must_be_dotted_numbers(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"requirements": [{**BASE, "id": "req-3"}]}))
    with pytest.raises(ValueError, match="dotted"):
        load_catalog(path)
