"""The report run: preview, pack, checkov, evidence tests -> build/compliance/.

Three inputs, one model: the offline preview of the program (default), the real engine's
`pulumi preview --json` (--from-preview) or the deployed state's `pulumi stack export`
(--from-stack-export). Whatever cannot be produced is named in the report's `incomplete` list and
fails the command; the report never pretends.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from compliance.catalog import (
    FRAMEWORK,
    Catalog,
    CatalogError,
    PolicyInfo,
    discover_policies,
    load_catalog,
    policies_by_requirement,
    suppression_problems,
)
from compliance.checkov import CheckovError, ScanResult, load_skip_rules, run_checkov
from compliance.files import FileFormatError, read_json
from compliance.manifest import write_manifest
from compliance.policy_engine import DEFAULT_PACK_DIR, PolicyEngineError, evaluate
from compliance.preview.cli import program_directory
from compliance.preview.config import ProjectError, load_config, load_project
from compliance.report.evidence import Evidence, InputMode, RunMetadata, TestRecord
from compliance.report.inputs import (
    InputFormatError,
    from_preview_json,
    from_stack_export,
    mask_config,
    mask_secrets,
)
from compliance.report.junit import collection_errors, read_junit
from compliance.report.oscal import write_oscal
from compliance.report.render import DIAGRAM, architecture_diagram, render
from compliance.report.status import build_evidence, evidence_test_records, policy_results
from stack.config import SECRET_KEYS

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3
_TOOLS = ("pulumi", "pulumi-aws", "pulumi-policy", "compliance-trestle", "pytest", "jinja2")


class InputError(Exception):
    """The input (program, file) could not be read as a stack."""


def _git(*args: str) -> str:
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argv
            ["git", *args],  # noqa: S607 - git from PATH, as make does
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _tools(scan: ScanResult | None) -> dict[str, str]:
    tools = {"python": sys.version.split()[0]}
    for name in _TOOLS:
        try:
            tools[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            tools[name] = "not installed"
    tools["checkov"] = scan.version if scan else "not run"
    return tools


def load_capture(args: argparse.Namespace) -> tuple[dict[str, Any], InputMode, str | None]:
    """The captured resources for the chosen input mode, secrets masked (raises InputError)."""
    capture, mode, source = _read_capture(args)
    capture["resources"] = [mask_secrets(r) for r in capture["resources"]]
    return capture, mode, source


def _read_capture(args: argparse.Namespace) -> tuple[dict[str, Any], InputMode, str | None]:
    if args.from_preview or args.from_stack_export:
        path: Path = args.from_preview or args.from_stack_export
        try:
            doc = read_json(path)
        except FileFormatError as exc:
            raise InputError(str(exc)) from exc
        try:
            if args.from_preview:
                return from_preview_json(doc, str(path)), "pulumi-preview-json", str(path)
            return from_stack_export(doc, str(path)), "pulumi-stack-export", str(path)
        except InputFormatError as exc:
            raise InputError(str(exc)) from exc
    from compliance.preview import PreviewError, run_preview

    program = program_directory(args)
    try:
        preview = run_preview(program, args.stack, dict(args.config), unknowns=False)
    except PreviewError as exc:
        raise InputError(str(exc)) from exc
    return preview.to_dict(), "offline-preview", None


def secret_config_keys(args: argparse.Namespace) -> set[str]:
    """The config keys whose values the report never echoes: the signing values the program
    reads as secrets, and every key the stack file holds `secure:`."""
    keys = set(SECRET_KEYS)
    try:
        project = load_project(program_directory(args))
        keys |= set(load_config(project, args.stack, {}).absent_secure)
    except ProjectError:
        pass  # no project to read: the program's own secrets are still masked
    return keys


def evaluate_policies(
    capture: Mapping[str, Any], args: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[str]]:
    """Violations of the pack on the capture (engine order), or why they are missing."""
    try:
        found = evaluate(
            capture["resources"],
            args.policy_pack or DEFAULT_PACK_DIR,
            args.policy_pack_config,
            stack=str(capture.get("stack") or args.stack),
        )
    except PolicyEngineError as exc:
        return [], [f"policy pack could not be evaluated: {exc}"]
    return [dict(v) for v in found], []


# The evidence tests are ~90% of the report's CPU time; two workers use both cores. loadfile keeps
# each module on one worker, in file order, as a serial run does, so evidence never depends on
# how xdist splits a module (test_least_privilege.py once failed when split). The tests start
# first and run alongside the preview and checkov (~2.5 s of one core), which fill the worker that
# finishes early.
EVIDENCE_WORKERS = 2


def start_evidence_tests(junit: Path, paths: Sequence[str] = ()) -> subprocess.Popen[str]:
    """Start `pytest -m evidence [paths]` on EVIDENCE_WORKERS xdist workers with the
    marker-to-JUnit plugin."""
    junit.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(  # noqa: S603 - fixed argv, this interpreter
        [
            sys.executable,
            *("-m", "pytest", "-m", "evidence", "-q", "-p", "no:cacheprovider"),
            *("-n", str(EVIDENCE_WORKERS), "--dist", "loadfile"),
            *("-p", "compliance.report.pytest_plugin", "--continue-on-collection-errors"),
            f"--junitxml={junit}",
            *paths,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_evidence_tests(proc: subprocess.Popen[str], junit: Path) -> list[str]:
    """Wait for the evidence tests; returns why they could not run, if they could not."""
    output, _ = proc.communicate()
    if proc.returncode == 5 or not junit.exists():
        return [f"evidence tests: pytest collected none (exit {proc.returncode})"]
    if proc.returncode not in (0, 1):
        return [f"evidence tests: pytest could not run (exit {proc.returncode}): {output[-1500:]}"]
    return []


def junit_evidence(junit: Path) -> tuple[list[TestRecord], list[str]]:
    """Evidence tests mapped to requirements; a module that failed to import is a problem
    (its evidence is missing) but does not hide the other modules' evidence."""
    problems = [f"evidence tests: pytest cannot import {e}" for e in collection_errors(junit)]
    return evidence_test_records(read_junit(junit)), problems


Diagram = tuple[str, list[str]]


def report_diagram(
    source: Path, resources: Sequence[Mapping[str, Any]]
) -> tuple[Diagram, list[str]]:
    """The architecture diagram (docs/architecture.mmd) for this stack; when it cannot be read,
    a placeholder and the problem for `incomplete` (the report must not look whole without it)."""
    try:
        return architecture_diagram(source.read_text(encoding="utf-8"), resources), []
    except (OSError, UnicodeDecodeError) as exc:
        problem = f"architecture diagram unavailable: {exc}"
        return (f'flowchart LR\n  missing["{problem}"]', []), [problem]


def _write(catalog: Catalog, evidence: Evidence, diagram: Diagram, out: Path) -> None:
    (out / "evidence.json").write_text(evidence.model_dump_json(indent=2) + "\n")
    (out / "report.md").write_text(render(evidence, diagram, "report.md.j2"))
    (out / "report.html").write_text(render(evidence, diagram, "report.html.j2"))
    write_oscal(catalog, evidence, out / "oscal")
    write_manifest(out, evidence.metadata.model_dump())


def generate(args: argparse.Namespace) -> tuple[Evidence, int]:
    """Produce build/compliance/ and return the evidence and the exit status."""
    out: Path = args.output
    reused_junit = args.junit.read_bytes() if args.junit else None  # it may live in `out`
    if out.exists():
        shutil.rmtree(out)  # stale files would otherwise enter the manifest
    out.mkdir(parents=True)
    catalog = load_catalog()
    junit = out / "tests" / "junit.xml"
    tests_run = None
    if reused_junit is None:
        tests_run = start_evidence_tests(junit)
    else:
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write_bytes(reused_junit)
    try:
        capture, mode, source = load_capture(args)
    except InputError:
        if tests_run is not None:
            tests_run.kill()
            tests_run.wait()
        raise
    (out / "capture.json").write_text(json.dumps(capture, indent=1, sort_keys=True) + "\n")

    incomplete = list(capture.get("notes") or [])
    incomplete += [
        f"catalog: {p}" for p in suppression_problems(catalog, (r.check for r in load_skip_rules()))
    ]
    policies: list[PolicyInfo] = []
    try:
        policies = discover_policies(args.policy_pack)
        policies_by_requirement(catalog, policies)
    except (PolicyEngineError, CatalogError) as exc:
        incomplete.append(f"policy pack: {exc}")
    violations, not_evaluated = evaluate_policies(capture, args)
    incomplete += not_evaluated

    scan: ScanResult | None = None
    try:
        scan = run_checkov(capture["resources"], out / "checkov")
    except CheckovError as exc:
        incomplete.append(f"checkov: {exc}")
    if tests_run is not None:
        incomplete += finish_evidence_tests(tests_run, junit)
    tests: list[TestRecord] = []
    if junit.exists():
        tests, problems = junit_evidence(junit)
        incomplete += problems
    diagram, problems = report_diagram(DIAGRAM, capture["resources"])
    incomplete += problems

    evidence = build_evidence(
        catalog=catalog,
        metadata=RunMetadata(
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            git_commit=_git("rev-parse", "HEAD") or "unknown",
            git_dirty=bool(_git("status", "--porcelain")),
            stack=str(capture.get("stack") or args.stack),
            input_mode=mode,
            input_file=source,
            config=mask_config(dict(args.config), secret_config_keys(args)),
            tools=_tools(scan),
        ),
        resources=capture["resources"],
        policy_results=policy_results(policies, violations, evaluated=not not_evaluated),
        scan=scan,
        tests=tests,
        incomplete=incomplete,
    )
    _write(catalog, evidence, diagram, out)
    return evidence, exit_status(evidence, scan)


def exit_status(evidence: Evidence, scan: ScanResult | None) -> int:
    """1 when a gate fails (mandatory violation, checkov, a failed evidence test); 3 when
    evidence is missing; else 0. Partial requirements and gaps alone do not fail the run."""
    s = evidence.summary
    if s.mandatory_violations or (scan is not None and not scan.ok) or s.tests_failed:
        return EXIT_FAILED
    return EXIT_INCOMPLETE if evidence.incomplete else EXIT_OK


def _print(evidence: Evidence, status: int, out: Path, seconds: float) -> None:
    s = evidence.summary
    print(
        f"{FRAMEWORK} {evidence.framework_version}: {s.met} met, {s.partial} partial, "
        f"{s.gap} gap, {s.not_applicable} not applicable; mandatory violations "
        f"{s.mandatory_violations}; checkov {'clean' if s.checkov_ok else 'NOT CLEAN'}; "
        f"evidence tests failed {s.tests_failed}, skipped {s.tests_skipped} of "
        f"{len(evidence.tests)} ({seconds:.1f} s)"
    )
    for r in evidence.requirements:
        if r.status in ("gap", "partial"):
            print(f"  {r.status.upper():8} {r.id} {r.title}: {'; '.join(r.findings)[:300]}")
    for p in evidence.policy_results:
        for v in p.violations:
            print(f"  {v['level'].upper():8} {p.policy} on {v['urn']}: {v['message']}")
    for problem in evidence.checkov.get("problems") or []:
        print(f"  CHECKOV  {problem}")
    for note in evidence.checkov.get("not_scanned") or []:
        print(f"  NOTE     {note}")
    if evidence.incomplete:
        print("INCOMPLETE: this report lacks evidence:")
        for problem in evidence.incomplete:
            print(f"  - {problem}")
    verdict = {0: "OK", 1: "FAILED", 3: "INCOMPLETE"}[status]
    print(f"Report ({verdict}): {out / 'report.md'} (also report.html, evidence.json, oscal/)")


def handle(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        evidence, status = generate(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _print(evidence, status, args.output, time.perf_counter() - started)
    return status
