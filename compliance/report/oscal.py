"""OSCAL documents, validated by compliance-trestle's models before they are written.

No official PCI DSS OSCAL catalog exists: `catalog.json` is generated from our catalog (ids
`pci-dss-<number>`), and the component definition and assessment results point at it. OSCAL
findings are only satisfied / not-satisfied; our four statuses travel in a namespaced
`pci-status` property and in the remarks. UUIDs are derived (uuid5) from stable names, so two
runs differ only in timestamps. The documents are written as OSCAL JSON (hyphenated keys) and
parsed with trestle's pydantic models, which is the validation.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from trestle.core.base_model import OscalBaseModel
from trestle.oscal import OSCAL_VERSION
from trestle.oscal import assessment_results as ar
from trestle.oscal import catalog as cat
from trestle.oscal import component as comp

from compliance.catalog import FRAMEWORK, FRAMEWORK_VERSION, Catalog
from compliance.report.evidence import Evidence, RequirementResult

NS = "https://github.com/payment-webhooks/payment-webhooks/ns/oscal"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
# file name -> the trestle model that validates (and writes) it
MODELS: dict[str, type[OscalBaseModel]] = {
    "catalog.json": cat.Catalog,
    "component-definition.json": comp.ComponentDefinition,
    "assessment-results.json": ar.AssessmentResults,
}

Doc = dict[str, Any]


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "/".join(parts)))


def _prop(name: str, value: str) -> Doc:
    return {"name": name, "value": value, "ns": NS}


def _metadata(title: str, when: str) -> Doc:
    return {
        "title": title,
        "last-modified": when,
        "version": FRAMEWORK_VERSION,
        "oscal-version": OSCAL_VERSION,
    }


def catalog_doc(catalog: Catalog, when: str) -> Doc:
    """The requirements as OSCAL controls, grouped by principal requirement (1..12)."""
    groups: dict[str, list[Doc]] = {}
    for req in catalog.requirements:
        groups.setdefault(req.id.split(".")[0], []).append(
            {
                "id": req.oscal_id,
                "title": req.title,
                "props": [
                    {"name": "label", "value": req.id},
                    _prop("responsibility", req.responsibility),
                ],
                "parts": [
                    {"id": f"{req.oscal_id}_smt", "name": "statement", "prose": req.title},
                    {
                        "id": f"{req.oscal_id}_gdn",
                        "name": "guidance",
                        "prose": " ".join(req.how_met.split()),
                    },
                ],
            }
        )
    return {
        "uuid": _uuid("catalog"),
        "metadata": _metadata(f"{FRAMEWORK} v{FRAMEWORK_VERSION} (requirements in scope)", when),
        "groups": [
            {"id": f"pci-dss-req-{n}", "title": f"Requirement {n}", "controls": controls}
            for n, controls in sorted(groups.items(), key=lambda kv: int(kv[0]))
        ],
    }


def _implementation(component: str, reqs: list[RequirementResult], pack: bool) -> Doc:
    implemented = []
    for r in reqs:
        item: Doc = {
            "uuid": _uuid(component, r.oscal_id),
            "control-id": r.oscal_id,
            "description": r.how_met,
        }
        if pack:
            item["props"] = [_prop("policy-id", p) for p in r.policies]
        implemented.append(item)
    return {
        "uuid": _uuid(component, "implementation"),
        "source": "catalog.json",
        "description": f"PCI DSS v{FRAMEWORK_VERSION} requirements addressed by the {component}",
        "implemented-requirements": implemented,
    }


def component_definition_doc(evidence: Evidence, when: str) -> Doc:
    """The stack (software) and the policy pack (validation), with what each implements."""
    stack_reqs = [r for r in evidence.requirements if r.status != "not_applicable"]
    pack_reqs = [r for r in evidence.requirements if r.policies]
    return {
        "uuid": _uuid("component-definition"),
        "metadata": _metadata("payment-webhooks: stack and PCI DSS policy pack", when),
        "components": [
            {
                "uuid": _uuid("component", "stack"),
                "type": "software",
                "title": "payment-webhooks stack",
                "description": "Pulumi Python program: the AWS webhook platform (stack/, lambda/).",
                "control-implementations": [_implementation("stack", stack_reqs, pack=False)],
            },
            {
                "uuid": _uuid("component", "policy-pack"),
                "type": "validation",
                "title": "payment-webhooks-pci policy pack",
                "description": "Pulumi CrossGuard pack (policies/) enforcing the stack's controls.",
                "control-implementations": [_implementation("policy pack", pack_reqs, pack=True)],
            },
        ],
    }


def _remarks(r: RequirementResult) -> str:
    lines = [f"Status: {r.status}.", *r.findings]
    if r.status != "met" and r.remediation:
        lines.append(f"Remediation: {r.remediation}")
    return "\n".join(lines)


def _observation(r: RequirementResult, when: str) -> Doc:
    checks = sorted({f"{c.check_id} {c.outcome}" for c in r.checkov})
    return {
        "uuid": _uuid("observation", r.oscal_id),
        "description": "; ".join(
            [
                f"policies: {', '.join(r.policies) or 'none'}",
                f"checkov: {', '.join(checks) or 'none'}",
                "checkov exceptions (suppressed, not evidence): "
                f"{', '.join(sorted({c.check_id for c in r.checkov_exceptions})) or 'none'}",
                f"tests: {', '.join(r.tests) or 'none'}",
            ]
        ),
        "methods": ["TEST"],
        "collected": when,
        "relevant-evidence": [
            {"href": "../evidence.json", "description": "evidence.json"},
            {"href": "../checkov/results_sarif.sarif", "description": "checkov SARIF"},
            {"href": "../tests/junit.xml", "description": "evidence tests (JUnit XML)"},
        ],
    }


def _finding(r: RequirementResult) -> Doc:
    satisfied = r.status in ("met", "not_applicable")
    return {
        "uuid": _uuid("finding", r.oscal_id),
        "title": f"{r.id} {r.title}",
        "description": r.how_met,
        "props": [_prop("pci-status", r.status)],
        "target": {
            "type": "objective-id",
            "target-id": r.oscal_id,
            "status": {"state": "satisfied" if satisfied else "not-satisfied"},
        },
        "related-observations": [{"observation-uuid": _uuid("observation", r.oscal_id)}],
        "remarks": _remarks(r),
    }


def assessment_results_doc(evidence: Evidence, when: str) -> Doc:
    """One result for this run: an observation and a finding per requirement."""
    meta = evidence.metadata
    return {
        "uuid": _uuid("assessment-results", meta.stack),
        "metadata": _metadata(f"payment-webhooks ({meta.stack}) PCI DSS assessment results", when),
        "import-ap": {
            "href": "../evidence.json",
            "remarks": "No separate assessment plan: the plan is the catalog (catalog.json) "
            "and the run described in evidence.json.",
        },
        "results": [
            {
                "uuid": _uuid("result", meta.stack, meta.input_mode),
                "title": f"Automated assessment ({meta.input_mode})",
                "description": f"git {meta.git_commit}, stack {meta.stack}",
                "start": when,
                "props": [_prop("input-mode", meta.input_mode)],
                "reviewed-controls": {
                    "control-selections": [
                        {
                            "include-controls": [
                                {"control-id": r.oscal_id} for r in evidence.requirements
                            ]
                        }
                    ]
                },
                "observations": [_observation(r, when) for r in evidence.requirements],
                "findings": [_finding(r) for r in evidence.requirements],
            }
        ],
    }


def write_oscal(catalog: Catalog, evidence: Evidence, out_dir: Path) -> list[Path]:
    """Validate each document with its trestle model, then write it with trestle's writer."""
    when = evidence.metadata.generated_at
    docs = {
        "catalog.json": catalog_doc(catalog, when),
        "component-definition.json": component_definition_doc(evidence, when),
        "assessment-results.json": assessment_results_doc(evidence, when),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, doc in docs.items():
        model = MODELS[name].model_validate(doc)
        model.oscal_write(out_dir / name)
        paths.append(out_dir / name)
    return paths
