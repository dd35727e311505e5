"""`python -m compliance report` end to end, in its three input modes, and its outputs.

The evidence tests' JUnit comes from a recorded run (data/evidence_junit.xml) so the suite does
not run itself; the pytest invocation is tested on its own below. checkov runs for real in the
session's stack-export report and in the offline preview's; the tests about other parts of the
run reuse the session's scan of the same stack.
"""

from __future__ import annotations

import json

import pytest
from trestle.oscal import assessment_results as ar
from trestle.oscal import catalog as cat
from trestle.oscal import component as comp

from compliance.__main__ import main
from compliance.manifest import verify_manifest
from compliance.report import run
from compliance.report.evidence import Evidence
from compliance.report.junit import read_junit
from compliance.report.run import (
    finish_evidence_tests,
    junit_evidence,
    report_diagram,
    start_evidence_tests,
)
from tests.compliance.report_data import (
    EXPORT_FILE,
    JUNIT,
    PREVIEW_FILE,
    needs_checkov,
    run_report,
)

pytestmark = pytest.mark.xdist_group("checkov")  # one worker computes the session scan once


@pytest.fixture
def session_scan(dev_scan, monkeypatch):
    """The report's checkov step answered with the session's scan of the same stack."""
    monkeypatch.setattr(run, "run_checkov", lambda resources, out_dir: dev_scan[0])


@needs_checkov
def test_stack_export_report_writes_the_whole_bundle(export_report):
    _, out = export_report
    for name in (
        "report.md",
        "report.html",
        "evidence.json",
        "manifest.json",
        "oscal/catalog.json",
        "oscal/component-definition.json",
        "oscal/assessment-results.json",
        "checkov/results_json.json",
        "checkov/results_sarif.sarif",
        "tests/junit.xml",
    ):
        assert (out / name).is_file(), name
    assert verify_manifest(out) == []


@needs_checkov
def test_stack_export_report_content(export_report):
    status, out = export_report
    evidence = Evidence.model_validate_json((out / "evidence.json").read_text())
    assert evidence.metadata.input_mode == "pulumi-stack-export"
    assert evidence.summary.mandatory_violations == 0
    assert evidence.summary.checkov_ok
    assert evidence.checkov["resource_count"] == 27
    statuses = {r.id: r.status for r in evidence.requirements}
    assert statuses["10.5.1"] == "partial"
    assert statuses["3.5.1"] == "met"
    assert statuses["3.7.1"] == "not_applicable"
    # the recorded JUnit has no PAN-canary tests: those requirements are honest gaps
    assert statuses["3.3.1"] == "gap"
    iam = next(r for r in evidence.requirements if r.id == "7.2.1")
    assert "tests/stack/test_iam.py::test_receiver_grants_exactly_what_it_calls" in iam.tests
    for r in evidence.requirements:  # catalog consistency: nothing is met without evidence
        if r.status == "met":
            assert r.policies or r.checkov or r.tests, r.id
    assert status == 0
    md = (out / "report.md").read_text()
    assert "**Status: Partial**" in md
    assert "Remediation:" in md
    assert "flowchart LR" in md
    assert "webhook-receiver-dev" in md
    assert "reason: CloudWatch Logs is the 30-day hot tier" in md
    html = (out / "report.html").read_text()
    assert '<section id="pci-dss-10.5.1" class="partial">' in html


@needs_checkov
def test_oscal_documents_validate_and_carry_statuses(export_report):
    _, out = export_report
    catalog = cat.Catalog.oscal_read(out / "oscal" / "catalog.json")
    ids = [c.id for g in catalog.groups or [] for c in g.controls or []]
    assert "pci-dss-10.5.1" in ids
    assert all(i[0].isalpha() for i in ids)
    compdef = comp.ComponentDefinition.oscal_read(out / "oscal" / "component-definition.json")
    assert {c.title for c in compdef.components or []} >= {"payment-webhooks-pci policy pack"}
    results = ar.AssessmentResults.oscal_read(out / "oscal" / "assessment-results.json")
    findings = {f.target.target_id: f for f in results.results[0].findings or []}
    assert set(findings) == set(ids)
    partial = findings["pci-dss-10.5.1"]
    assert partial.target.status.state.value == "not-satisfied"
    assert [(p.name, p.value) for p in partial.props or []] == [("pci-status", "partial")]
    assert "Remediation:" in (partial.remarks or "")
    na = findings["pci-dss-3.7.1"]
    assert na.target.status.state.value == "satisfied"
    assert (na.props or [])[0].value == "not_applicable"


def test_preview_json_report_and_a_mandatory_violation_fails_it(tmp_path, session_scan):
    doc = json.loads(PREVIEW_FILE.read_text())
    for step in doc["steps"]:
        state = step.get("newState") or {}
        if state.get("type") == "aws:lambda/function:Function":
            state["inputs"]["tracingConfig"] = {"mode": "PassThrough"}
    broken = tmp_path / "preview.json"
    broken.write_text(json.dumps(doc))
    status, out = run_report(tmp_path, "--from-preview", str(broken))
    evidence = json.loads((out / "evidence.json").read_text())
    assert status == 1
    assert evidence["metadata"]["input_mode"] == "pulumi-preview-json"
    xray = next(
        p for p in evidence["policy_results"] if p["policy"] == "lambda-function-xray-active"
    )
    assert xray["outcome"] == "failed"
    assert len(xray["violations"]) == 2
    req = next(r for r in evidence["requirements"] if r["id"] == "10.2.1")
    assert req["status"] == "gap"


@needs_checkov
def test_offline_preview_of_the_real_program(tmp_path):
    status, out = run_report(tmp_path)
    evidence = Evidence.model_validate_json((out / "evidence.json").read_text())
    assert evidence.metadata.input_mode == "offline-preview"
    assert evidence.checkov["resource_count"] == evidence.checkov["expected_count"] > 20
    assert evidence.summary.mandatory_violations == 0
    assert status == 0, evidence.incomplete
    md = (out / "report.md").read_text()
    assert "payment-alerts-dev" in md  # docs/architecture.mmd, for this stack
    assert "not in this capture" not in md  # every resource it names exists


def test_an_unreadable_diagram_is_a_placeholder_and_named_incomplete(tmp_path):
    resources = [{"name": n, "custom": True} for n in ("payment-alerts-dev", "webhook-dlq-dev")]
    not_text = tmp_path / "binary.mmd"
    not_text.write_bytes(b"\xff\xfe\x00")
    for source in (tmp_path / "missing.mmd", not_text):
        (diagram, not_captured), problems = report_diagram(source, resources)
        assert len(problems) == 1
        assert problems[0].startswith("architecture diagram unavailable: ")
        assert problems[0] in diagram
        assert not_captured == []
    shown, problems = report_diagram(run.DIAGRAM, resources)
    assert problems == []
    assert "payment-alerts-dev" in shown[0]


def test_a_report_without_its_diagram_is_incomplete(tmp_path, monkeypatch, session_scan):
    monkeypatch.setattr(run, "DIAGRAM", tmp_path / "missing.mmd")
    status, out = run_report(tmp_path, "--from-stack-export", str(EXPORT_FILE))
    evidence = Evidence.model_validate_json((out / "evidence.json").read_text())
    assert [p for p in evidence.incomplete if "architecture diagram" in p]
    assert status == 3


def test_an_unreadable_input_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text('{"steps": 3}')
    assert main(["report", "--output", str(tmp_path / "o"), "--from-preview", str(bad)]) == 2
    assert "not `pulumi preview --json` output" in capsys.readouterr().err


def test_evidence_markers_reach_the_junit_and_import_errors_are_reported(tmp_path):
    (tmp_path / "test_marked.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.evidence('3.5.1', '10.5.1')\n"
        "def test_kept():\n    pass\n\n"
        "@pytest.mark.evidence('3.3.1')\n"
        "def test_broken():\n    assert False\n\n"
        "def test_not_evidence():\n    pass\n"
    )
    (tmp_path / "test_unimportable.py").write_text("import does_not_exist\n")
    junit = tmp_path / "junit.xml"
    assert finish_evidence_tests(start_evidence_tests(junit, [str(tmp_path)]), junit) == []
    results = {t.test_id.split("::")[-1]: t for t in read_junit(junit)}
    assert set(results) == {"test_kept", "test_broken"}
    assert results["test_kept"].requirements == ("3.5.1", "10.5.1")
    assert results["test_broken"].outcome == "failed"
    _, problems = junit_evidence(junit)
    assert len(problems) == 1
    assert "test_unimportable" in problems[0]


def test_a_junit_inside_the_output_dir_survives_the_rebuild(tmp_path, session_scan):
    status, out = run_report(tmp_path, "--from-stack-export", str(EXPORT_FILE))
    again = main(
        [
            "report",
            "--output",
            str(out),
            "--junit",
            str(out / "tests" / "junit.xml"),
            "--from-stack-export",
            str(EXPORT_FILE),
        ]
    )
    assert again == status == 0
    assert len(read_junit(out / "tests" / "junit.xml")) == len(read_junit(JUNIT))
