"""Requirement statuses (pure rules) and the committed evidence schema."""

from __future__ import annotations

import json
from pathlib import Path

from compliance.catalog import PolicyInfo, load_catalog
from compliance.report.evidence import CheckovRecord, Evidence, RunMetadata, TestRecord, schema_json
from compliance.report.status import build_evidence, policy_results, requirement_result
from tests.compliance.report_data import capture

SCHEMA = Path(__file__).resolve().parents[3] / "compliance/report/evidence.schema.json"
RETENTION = load_catalog().get("10.5.1")
ENCRYPTION = load_catalog().get("3.5.1")


def _policy(name: str, ref: str) -> PolicyInfo:
    return PolicyInfo(name, "", "mandatory", "high", (ref,), "fix it")


def _check(check_id: str, outcome: str = "passed") -> CheckovRecord:
    return CheckovRecord(
        check_id=check_id, check_name="", address="a.b", urn="u", outcome=outcome, reason=""
    )


def _test(req: str, outcome: str = "passed") -> TestRecord:
    return TestRecord(
        test_id=f"tests/x.py::t_{req}", outcome=outcome, requirements=[req], message=""
    )


def _metadata() -> RunMetadata:
    return RunMetadata(
        generated_at="2026-01-01T00:00:00+00:00",
        git_commit="c",
        git_dirty=False,
        stack="dev",
        input_mode="offline-preview",
        input_file=None,
        config={},
        tools={},
    )


def _retention_evidence(resources):
    policies = policy_results([_policy("log-retention", "10.5.1")], [])
    return requirement_result(RETENTION, resources, policies, [_check("CKV_AWS_66")], [])


def test_10_5_1_with_30_day_logs_is_partial_with_the_gap_and_remediation():
    result = _retention_evidence(capture()["resources"])
    assert result.status == "partial"
    assert "hot tier" in result.findings[0]
    assert result.remediation
    assert "12-month" in result.remediation


def test_10_5_1_is_met_once_an_archive_is_configured():
    resources = capture()["resources"]
    resources.append(
        {
            "urn": "u",
            "type": "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
            "name": "archive",
            "inputs": {},
        }
    )
    assert _retention_evidence(resources).status == "met"


def test_10_5_1_is_met_with_a_year_of_retention():
    resources = capture()["resources"]
    for r in resources:
        if r["type"] == "aws:cloudwatch/logGroup:LogGroup":
            r["inputs"]["retentionInDays"] = 365.0
    assert _retention_evidence(resources).status == "met"


def test_a_policy_violation_makes_a_gap_naming_resource_and_message():
    violation = {
        "policy": "dynamo-cmk",
        "level": "mandatory",
        "urn": "urn:x::table",
        "resourceType": "aws:dynamodb/table:Table",
        "message": "no CMK",
    }
    policies = policy_results([_policy("dynamo-cmk", "3.5.1")], [violation])
    result = requirement_result(ENCRYPTION, [], policies, [_check("CKV_AWS_119")], [])
    assert result.status == "gap"
    assert result.findings == ["policy dynamo-cmk failed on urn:x::table: no CMK"]


def test_a_policy_that_did_not_run_is_no_evidence():
    policies = policy_results([_policy("dynamo-cmk", "3.5.1")], [], evaluated=False)
    result = requirement_result(ENCRYPTION, [], policies, [_check("CKV_AWS_119")], [])
    assert result.status == "gap"
    assert "not evaluated" in result.findings[0]


def test_missing_evidence_kinds_and_failed_checks_or_tests_are_gaps():
    policies = policy_results([_policy("p", "3.5.1")], [])
    no_checkov = requirement_result(ENCRYPTION, [], policies, [], [])
    assert no_checkov.findings == ["no checkov evidence for 3.5.1"]
    failed = requirement_result(ENCRYPTION, [], policies, [_check("CKV_AWS_27", "failed")], [])
    assert failed.status == "gap"
    tested = load_catalog().get("3.3.1")
    assert requirement_result(tested, [], [], [], [_test("3.3.1")]).status == "met"
    assert requirement_result(tested, [], [], [], [_test("3.3.1", "failed")]).status == "gap"
    assert requirement_result(tested, [], [], [], []).status == "gap"


def test_a_suppressed_check_is_an_exception_never_evidence():
    policies = policy_results([_policy("p", "3.5.1")], [])
    skipped = _check("CKV_AWS_27", "skipped")
    result = requirement_result(ENCRYPTION, [], policies, [skipped], [])
    assert result.status == "gap"
    assert result.findings == ["no checkov evidence for 3.5.1"]
    assert result.checkov == []
    assert result.checkov_exceptions == [skipped]
    with_pass = requirement_result(ENCRYPTION, [], policies, [skipped, _check("CKV_AWS_119")], [])
    assert with_pass.status == "met"
    assert [c.check_id for c in with_pass.checkov] == ["CKV_AWS_119"]


def test_1_3_1_is_not_met_by_its_suppressed_checks_alone():
    """The receiver's auth NONE URL and the functions outside a VPC are exceptions, not proof."""
    req = load_catalog().get("1.3.1")
    policies = policy_results([_policy("p", "1.3.1")], [])
    suppressed = [_check(c, "skipped") for c in ("CKV_AWS_258", "CKV_AWS_301", "CKV_AWS_117")]
    result = requirement_result(req, [], policies, suppressed, [])
    assert result.status == "gap"
    assert len(result.checkov_exceptions) == 3


def test_a_skipped_evidence_test_is_a_gap_and_counted_as_skipped():
    tested = load_catalog().get("6.2.4")
    skipped = _test("6.2.4", "skipped")
    result = requirement_result(tested, [], [], [], [skipped])
    assert result.status == "gap"
    assert result.findings == [f"test {skipped.test_id} skipped"]
    evidence = build_evidence(
        catalog=load_catalog(),
        metadata=_metadata(),
        resources=[],
        policy_results=[],
        scan=None,
        tests=[skipped, _test("3.3.1")],
        incomplete=[],
    )
    assert (evidence.summary.tests_skipped, evidence.summary.tests_failed) == (1, 0)


def test_not_applicable_requirements_say_why():
    result = requirement_result(load_catalog().get("3.7.1"), [], [], [], [])
    assert result.status == "not_applicable"
    assert "AWS" in result.findings[0]


def test_unknown_policies_and_test_requirements_are_kept_not_dropped():
    stray = {
        "policy": "ghost",
        "level": "mandatory",
        "urn": "u",
        "resourceType": "t",
        "message": "m",
    }
    results = policy_results([], [stray])
    assert results[0].policy == "ghost"
    assert results[0].outcome == "failed"
    evidence = build_evidence(
        catalog=load_catalog(),
        metadata=_metadata(),
        resources=capture()["resources"],
        policy_results=results,
        scan=None,
        tests=[_test("99.1")],
        incomplete=[],
    )
    assert evidence.summary.mandatory_violations == 1
    assert any("99.1" in p for p in evidence.incomplete)
    assert len(evidence.resources) == 27
    assert not evidence.summary.checkov_ok


def test_the_committed_schema_is_the_models_schema():
    assert json.loads(SCHEMA.read_text()) == json.loads(schema_json()), (
        "regenerate: python -m compliance.report.evidence > compliance/report/evidence.schema.json"
    )
    assert Evidence.model_json_schema()["required"]
