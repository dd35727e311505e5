"""Run checkov (from its own virtualenv) on the converted plan and judge the result.

The scan fails when checkov did not scan every captured pulumi-aws resource (a malformed plan is
silently scanned as nothing) or when any check fails without a written suppression.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.checkov.plan import (
    load_skip_rules,
    not_scanned,
    plan_resources,
    render_stub,
    skip_stubs,
    to_terraform_plan,
)

CHECKOV = Path(".venv-checkov/bin/checkov")


class CheckovError(RuntimeError):
    """checkov could not run or its output is not what a complete scan produces."""


@dataclass(frozen=True)
class CheckResult:
    """One checkov result on one resource."""

    check_id: str
    check_name: str
    address: str
    urn: str
    outcome: str  # passed | failed | skipped
    reason: str = ""


@dataclass
class ScanResult:
    """The judged scan: results, counts and the problems that fail the report."""

    results: list[CheckResult]
    resource_count: int
    expected_count: int
    version: str
    problems: list[str] = field(default_factory=list)
    not_scanned: list[str] = field(default_factory=list)  # other providers' resources, and why

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_results(
    report: Any, address_to_urn: Mapping[str, str], expected_count: int
) -> ScanResult:
    """Judge checkov's JSON report (pure: tested without running checkov)."""
    if isinstance(report, list):  # one entry per framework; we ask for one
        report = next((r for r in report if r.get("check_type") == "terraform_plan"), {})
    summary = report.get("summary") or {}
    raw = report.get("results") or {}
    results = []
    for key, outcome in (
        ("passed_checks", "passed"),
        ("failed_checks", "failed"),
        ("skipped_checks", "skipped"),
    ):
        for item in raw.get(key, []):
            address = str(item.get("resource", ""))
            reason = str((item.get("check_result") or {}).get("suppress_comment") or "")
            results.append(
                CheckResult(
                    check_id=str(item["check_id"]),
                    check_name=str(item.get("check_name", "")),
                    address=address,
                    urn=address_to_urn.get(address, ""),
                    outcome=outcome,
                    reason=reason,
                )
            )
    count = int(summary.get("resource_count", 0))
    scan = ScanResult(results, count, expected_count, str(summary.get("checkov_version", "")))
    if count != expected_count:
        scan.problems.append(
            f"checkov scanned {count} resources but the capture has {expected_count} pulumi-aws "
            "resources: the plan conversion lost some"
        )
    if summary.get("parsing_errors"):
        scan.problems.append(f"checkov reported {summary['parsing_errors']} parsing errors")
    scan.problems += [
        f"checkov {r.check_id} ({r.check_name}) failed on {r.address} with no written reason"
        for r in results
        if r.outcome == "failed"
    ]
    scan.results.sort(key=lambda r: (r.address, r.check_id))
    return scan


def run_checkov(
    resources: list[Mapping[str, Any]], out_dir: Path, checkov: Path = CHECKOV
) -> ScanResult:
    """Write plan.json and the skip stub, run checkov offline, judge its JSON output.

    out_dir receives plan.json, stub/skips.tf, results_json.json, results_sarif.sarif and
    results_junitxml.xml. checkov scans a copy in a short temporary directory: it leaks the
    plan's absolute path into map attributes (`__file__` inside Lambda environment variables),
    and CKV_AWS_45's AWS-secret-key regex matches any path with a run of exactly 40
    [A-Za-z0-9/+=] characters, e.g. /work/main/build/compliance/checkov/plan.json.
    """
    if not checkov.exists():
        msg = f"{checkov} is missing: run `make {checkov.parent.parent}/.installed`"
        raise CheckovError(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan_text = json.dumps(to_terraform_plan(resources), indent=1, sort_keys=True)
    stub_text = render_stub(skip_stubs(resources, load_skip_rules()))
    (out_dir / "plan.json").write_text(plan_text)
    (out_dir / "stub").mkdir(exist_ok=True)
    (out_dir / "stub" / "skips.tf").write_text(stub_text)
    json_out = out_dir / "results_json.json"
    json_out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ckv_") as scratch:
        plan_file = Path(scratch) / "plan.json"
        plan_file.write_text(plan_text)
        (Path(scratch) / "stub").mkdir()
        (Path(scratch) / "stub" / "skips.tf").write_text(stub_text)
        proc = subprocess.run(  # noqa: S603 - fixed argv, our own virtualenv's checkov
            [
                str(checkov),
                *("--framework", "terraform_plan", "-f", str(plan_file), "--skip-download"),
                *("--repo-root-for-plan-enrichment", str(Path(scratch) / "stub")),
                *("-o", "json", "-o", "sarif", "-o", "junitxml"),
                *("--output-file-path", str(out_dir.resolve())),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if not json_out.exists():
        msg = f"checkov wrote no JSON report (exit {proc.returncode}): {proc.stderr[-2000:]}"
        raise CheckovError(msg)
    plan = plan_resources(resources)
    scan = parse_results(
        json.loads(json_out.read_text()), {p.address: p.urn for p in plan}, len(plan)
    )
    scan.not_scanned = not_scanned(resources)
    return scan
