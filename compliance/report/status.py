"""The pure rules that judge evidence: each requirement's status, and the assembled bundle.

A requirement is not_applicable when the catalog says why; a gap when a kind of evidence it
needs is missing, failed or skipped; partial when the evidence passes but the catalog's
partial_unless condition is not met by the stack; met otherwise (docs/compliance-report.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from compliance.catalog import Catalog, PolicyInfo, Requirement
from compliance.checkov import ScanResult
from compliance.report.evidence import (
    CheckovRecord,
    Evidence,
    PolicyResult,
    RequirementResult,
    ResourceRecord,
    RunMetadata,
    Status,
    Summary,
    TestRecord,
)
from compliance.report.junit import TestResult


def policy_results(
    policies: Sequence[PolicyInfo],
    violations: Iterable[Mapping[str, Any]],
    *,
    evaluated: bool = True,
) -> list[PolicyResult]:
    """Group the engine's violations by policy; a policy with none passed (if it ran at all)."""
    by_policy: dict[str, list[dict[str, str]]] = {}
    for v in violations:
        by_policy.setdefault(str(v["policy"]), []).append(
            {
                "urn": str(v.get("urn", "")),
                "resourceType": str(v.get("resourceType", "")),
                "level": str(v.get("level", "")),
                "message": str(v.get("message", "")),
            }
        )
    known = {p.name for p in policies}
    # A violation from a policy the pack does not list is kept, never dropped.
    strays = [
        PolicyResult(
            policy=name,
            level=found[0]["level"],
            severity="",
            requirements=[],
            outcome="failed",
            violations=found,
            remediation="",
        )
        for name, found in sorted(by_policy.items())
        if name not in known
    ]
    return strays + [
        PolicyResult(
            policy=p.name,
            level=p.enforcement_level,
            severity=p.severity,
            requirements=list(p.references),
            outcome="failed"
            if by_policy.get(p.name)
            else "passed"
            if evaluated
            else "not_evaluated",
            violations=by_policy.get(p.name, []),
            remediation=p.remediation,
        )
        for p in policies
    ]


def _partial_satisfied(req: Requirement, resources: Sequence[Mapping[str, Any]]) -> bool:
    rule = req.partial_unless
    if rule is None:
        return True
    if any(r["type"] in rule.resource_types for r in resources):
        return True
    if rule.min_log_retention_days is None:
        return False
    groups = [r for r in resources if r["type"] == "aws:cloudwatch/logGroup:LogGroup"]
    days = [(g.get("inputs") or {}).get("retentionInDays") for g in groups]
    # 0 / absent retention means "never expire" in CloudWatch Logs.
    return bool(groups) and all(not d or d >= rule.min_log_retention_days for d in days)


def requirement_result(
    req: Requirement,
    resources: Sequence[Mapping[str, Any]],
    policies: Sequence[PolicyResult],
    checkov: Sequence[CheckovRecord],
    tests: Sequence[TestRecord],
) -> RequirementResult:
    """Decide one requirement's status from its evidence (pure).

    not_applicable when the catalog says why; gap when a needed kind of evidence is missing or
    any of it failed or was skipped; partial when the evidence passes but the catalog's
    partial_unless condition is not satisfied by the stack; met otherwise. A check checkov
    skipped is a documented exception, never evidence: only a passed check proves anything.
    """
    mine_p = [p for p in policies if req.id in p.requirements]
    checks = set(req.checkov) | set(req.checkov_exceptions)
    mine_c = [c for c in checkov if c.check_id in checks and c.outcome != "skipped"]
    exceptions = [c for c in checkov if c.check_id in checks and c.outcome == "skipped"]
    mine_t = [t for t in tests if req.id in t.requirements]
    findings: list[str] = []
    if req.not_applicable is not None:
        status: Status = "not_applicable"
        findings.append(req.not_applicable)
    else:
        present = {
            "policies": mine_p,
            "checkov": [c for c in mine_c if c.outcome == "passed"],
            "tests": mine_t,
        }
        findings += [
            f"no {kind} evidence for {req.id}" for kind in req.evidence if not present[kind]
        ]
        findings += [
            f"policy {p.policy} was not evaluated" for p in mine_p if p.outcome == "not_evaluated"
        ]
        findings += [
            f"policy {p.policy} failed on {v['urn']}: {v['message']}"
            for p in mine_p
            for v in p.violations
        ]
        findings += [
            f"checkov {c.check_id} failed on {c.address}" for c in mine_c if c.outcome == "failed"
        ]
        findings += [f"test {t.test_id} {t.outcome}" for t in mine_t if t.outcome != "passed"]
        if findings:
            status = "gap"
        elif not _partial_satisfied(req, resources):
            status = "partial"
            findings.append(" ".join(req.partial_unless.gap.split()) if req.partial_unless else "")
        else:
            status = "met"
    return RequirementResult(
        id=req.id,
        oscal_id=req.oscal_id,
        title=req.title,
        responsibility=req.responsibility,
        how_met=" ".join(req.how_met.split()),
        status=status,
        findings=findings,
        remediation=" ".join(req.remediation.split()) if req.remediation else None,
        policies=[p.policy for p in mine_p],
        checkov=mine_c,
        checkov_exceptions=exceptions,
        tests=[t.test_id for t in mine_t],
        aws_config=req.aws_config,
        prowler=req.prowler,
    )


def checkov_records(scan: ScanResult | None) -> list[CheckovRecord]:
    if scan is None:
        return []
    return [
        CheckovRecord(
            check_id=r.check_id,
            check_name=r.check_name,
            address=r.address,
            urn=r.urn,
            outcome=r.outcome,  # type: ignore[arg-type]
            reason=r.reason,
        )
        for r in scan.results
    ]


def evidence_test_records(results: Iterable[TestResult]) -> list[TestRecord]:
    return [
        TestRecord(
            test_id=t.test_id,
            outcome=t.outcome,
            requirements=list(t.requirements),
            message=t.message,
        )
        for t in results
    ]


def build_evidence(
    *,
    catalog: Catalog,
    metadata: RunMetadata,
    resources: Sequence[Mapping[str, Any]],
    policy_results: Sequence[PolicyResult],
    scan: ScanResult | None,
    tests: Sequence[TestRecord],
    incomplete: Sequence[str],
) -> Evidence:
    """Assemble the evidence bundle; every requirement's status comes from `requirement_result`."""
    checks = checkov_records(scan)
    unknown = sorted({r for t in tests for r in t.requirements} - set(catalog.ids))
    problems = list(incomplete) + [
        f"evidence tests name requirements missing from the catalog: {', '.join(unknown)}"
    ] * bool(unknown)
    requirements = [
        requirement_result(req, resources, policy_results, checks, tests)
        for req in catalog.requirements
    ]
    counts = {s: sum(r.status == s for r in requirements) for s in ("met", "partial", "gap")}
    return Evidence(
        framework="PCI DSS",
        framework_version="4.0.1",
        metadata=metadata,
        incomplete=problems,
        summary=Summary(
            met=counts["met"],
            partial=counts["partial"],
            gap=counts["gap"],
            not_applicable=sum(r.status == "not_applicable" for r in requirements),
            mandatory_violations=sum(
                v.get("level") == "mandatory" for p in policy_results for v in p.violations
            ),
            checkov_ok=scan is not None and scan.ok,
            tests_failed=sum(t.outcome == "failed" for t in tests),
            tests_skipped=sum(t.outcome == "skipped" for t in tests),
        ),
        requirements=requirements,
        resources=[
            ResourceRecord(
                urn=str(r["urn"]),
                type=str(r["type"]),
                name=str(r["name"]),
                protect=bool((r.get("options") or {}).get("protect")),
                retain_on_delete=bool((r.get("options") or {}).get("retainOnDelete")),
            )
            for r in resources
            if r.get("custom") and not str(r["type"]).startswith("pulumi:")
        ],
        policy_results=list(policy_results),
        checkov={
            "version": scan.version if scan else None,
            "resource_count": scan.resource_count if scan else None,
            "expected_count": scan.expected_count if scan else None,
            "problems": scan.problems if scan else [],
            "not_scanned": scan.not_scanned if scan else [],
        },
        tests=list(tests),
    )
