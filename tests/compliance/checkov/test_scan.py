"""checkov itself (from .venv-checkov) on the converted capture: the real tool is the oracle."""

from __future__ import annotations

import json
import re

import pytest

from compliance.catalog import load_catalog
from compliance.checkov.scan import CHECKOV, parse_results, run_checkov
from tests.compliance.report_data import capture, resource

pytestmark = [
    pytest.mark.skipif(
        not CHECKOV.exists(), reason="needs .venv-checkov (make .venv-checkov/.installed)"
    ),
    pytest.mark.xdist_group("checkov"),  # one worker computes the session scan once
]


@pytest.fixture
def clean_scan(dev_scan):
    return dev_scan  # one scan per session (tests/compliance/conftest.py)


def test_the_stack_scans_clean_with_every_resource_counted(clean_scan):
    scan, out = clean_scan
    assert scan.resource_count == scan.expected_count == 27
    assert scan.ok, scan.problems
    assert sum(r.outcome == "passed" for r in scan.results) > 40
    for name in ("results_json.json", "results_sarif.sarif", "results_junitxml.xml"):
        assert (out / name).stat().st_size > 0


def test_conflicting_checks_are_skipped_with_their_written_reason(clean_scan):
    scan, out = clean_scan
    skipped = {(r.check_id, r.address): r.reason for r in scan.results if r.outcome == "skipped"}
    reason = skipped[("CKV_AWS_338", "aws_cloudwatch_log_group.aws_lambda_webhook-receiver-dev")]
    assert "hot tier" in reason
    assert ("CKV_AWS_117", "aws_lambda_function.webhook-processor-dev") in skipped
    assert ("CKV_AWS_272", "aws_lambda_function.webhook-receiver-dev") in skipped
    assert (
        "signature" in skipped[("CKV_AWS_258", "aws_lambda_function_url.webhook-receiver-url-dev")]
    )
    sarif = json.loads((out / "results_sarif.sarif").read_text())
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert len(suppressed) == len(skipped)


@pytest.fixture(scope="module")
def broken_scan(tmp_path_factory):
    """One scan of a capture with two independent faults: an unencrypted ingest queue and a
    public Function URL on the processor."""
    doc = capture()
    queue = resource(doc, "aws:sqs/queue:Queue", "webhook-events")
    del queue["inputs"]["kmsMasterKeyId"]
    del queue["propertyDependencies"]["kmsMasterKeyId"]
    url = json.loads(json.dumps(resource(doc, "aws:lambda/functionUrl:FunctionUrl")))
    processor = resource(doc, "aws:lambda/function:Function", "processor")
    url.update(urn=url["urn"] + "-p", name="webhook-processor-url-dev")
    url["inputs"]["functionName"] = processor["name"]
    url["propertyDependencies"] = {"functionName": [processor["urn"]]}
    doc["resources"].append(url)
    return run_checkov(doc["resources"], tmp_path_factory.mktemp("broken"))


def _failed(scan):
    return {(r.check_id, r.address) for r in scan.results if r.outcome == "failed"}


def test_an_unencrypted_queue_is_flagged(broken_scan):
    assert ("CKV_AWS_27", "aws_sqs_queue.webhook-events-dev") in _failed(broken_scan)
    assert not broken_scan.ok
    assert any("CKV_AWS_27" in p and "webhook-events-dev" in p for p in broken_scan.problems)


def test_a_public_url_on_another_function_is_not_excused(broken_scan):
    failed = _failed(broken_scan)
    assert ("CKV_AWS_258", "aws_lambda_function_url.webhook-processor-url-dev") in failed


def test_a_scan_that_missed_resources_fails():
    report = {"results": {}, "summary": {"resource_count": 0, "checkov_version": "3.3.30"}}
    scan = parse_results(report, {}, 27)
    assert not scan.ok
    assert "scanned 0 resources but the capture has 27" in scan.problems[0]


def test_the_output_path_cannot_trip_checkovs_secret_regex(clean_scan):
    # checkov leaks the plan path into Lambda environment maps; a 40-character run of
    # [A-Za-z0-9/+=] in it used to fail CKV_AWS_45 (seen with /work/main/build/compliance/...).
    # The session's scan writes under such a path (tests/compliance/conftest.py).
    scan, out = clean_scan
    assert max(len(run) for run in re.findall(r"[A-Za-z0-9/+=]+", f"{out}/plan")) >= 40
    assert scan.ok, scan.problems


def test_every_check_the_catalog_names_is_a_real_check_that_ran(clean_scan):
    scan, _ = clean_scan
    ran = {r.check_id for r in scan.results}
    named = {c for r in load_catalog().requirements for c in r.checkov}
    assert named <= ran, f"not run by checkov on the stack: {sorted(named - ran)}"
