"""The PCI DSS control catalog (compliance/pci_dss_v4.yaml) and what maps onto it.

The YAML is the one hand-kept list. Policies map to requirements through their own
`framework.reference` metadata and tests through their `evidence` markers, so neither mapping is
written twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance.files import read_yaml

CATALOG_FILE = Path(__file__).with_name("pci_dss_v4.yaml")
FRAMEWORK = "PCI DSS"
FRAMEWORK_VERSION = "4.0.1"

EvidenceKind = Literal["policies", "checkov", "tests"]


class PartialUnless(BaseModel):
    """The requirement is met only partly unless one of these is in the stack."""

    model_config = ConfigDict(extra="forbid")
    resource_types: list[str] = Field(default_factory=list)
    min_log_retention_days: int | None = None
    gap: str


class Requirement(BaseModel):
    """One PCI DSS requirement and how this repository meets it."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    responsibility: Literal["customer", "aws", "shared"]
    how_met: str
    evidence: list[EvidenceKind]
    checkov: list[str]
    checkov_exceptions: list[str] = Field(default_factory=list)
    aws_config: list[str]
    prowler: list[str]
    partial_unless: PartialUnless | None = None
    not_applicable: str | None = None
    remediation: str | None = None

    @field_validator("id")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not re.fullmatch(r"\d+(\.\d+)+", value):
            msg = f"requirement id {value!r} is not a dotted PCI DSS number such as 10.5.1"
            raise ValueError(msg)
        return value

    @property
    def oscal_id(self) -> str:
        """OSCAL ids must start with a letter."""
        return f"pci-dss-{self.id}"


class Catalog(BaseModel):
    """The whole catalog, in file order."""

    model_config = ConfigDict(extra="forbid")
    requirements: list[Requirement]

    def get(self, requirement_id: str) -> Requirement:
        for req in self.requirements:
            if req.id == requirement_id:
                return req
        msg = f"requirement {requirement_id!r} is not in the catalog ({CATALOG_FILE.name})"
        raise KeyError(msg)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.requirements]


class CatalogError(ValueError):
    """The catalog file is inconsistent."""


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Parse and check the catalog: unique ids; gaps say how to fix them; N/A says why."""
    catalog = Catalog.model_validate(read_yaml(path))
    seen: set[str] = set()
    for req in catalog.requirements:
        if req.id in seen:
            msg = f"{path}: requirement {req.id} is listed twice"
            raise CatalogError(msg)
        seen.add(req.id)
        if req.not_applicable is None and not req.evidence:
            msg = f"{path}: {req.id} needs evidence kinds or a not_applicable reason"
            raise CatalogError(msg)
        if req.not_applicable is None and not req.remediation:
            msg = f"{path}: {req.id} has no remediation for when it is not met"
            raise CatalogError(msg)
        if both := sorted(set(req.checkov) & set(req.checkov_exceptions)):
            msg = f"{path}: {req.id} lists {', '.join(both)} as both evidence and exception"
            raise CatalogError(msg)
    return catalog


def suppression_problems(catalog: Catalog, suppressed: Iterable[str]) -> list[str]:
    """Where the catalog and compliance/checkov/skips.yaml disagree (pure).

    A check suppressed on this stack proves nothing, so it may not be listed as evidence
    (`checkov`); it must be a documented exception (`checkov_exceptions`) of some requirement,
    and every exception must be a check that is actually suppressed (its reason lives there).
    """
    skipped = set(suppressed)
    problems = [
        f"{r.id} counts suppressed check {c} as evidence (move it to checkov_exceptions)"
        for r in catalog.requirements
        for c in r.checkov
        if c in skipped
    ]
    problems += [
        f"{r.id} lists exception {c}, which compliance/checkov/skips.yaml does not suppress"
        for r in catalog.requirements
        for c in r.checkov_exceptions
        if c not in skipped
    ]
    homed = {c for r in catalog.requirements for c in r.checkov_exceptions}
    problems += [
        f"suppressed check {c} is no requirement's documented exception"
        for c in sorted(skipped - homed)
    ]
    return problems


@dataclass(frozen=True)
class PolicyInfo:
    """What the report needs from one pulumi_policy policy: its own metadata."""

    name: str
    description: str
    enforcement_level: str
    severity: str
    references: tuple[str, ...]
    remediation: str


def _references(reference: str | None) -> tuple[str, ...]:
    """`framework.reference` may name several requirements: "3.5.1, 8.6.3"."""
    return tuple(r for r in re.split(r"[,\s;]+", reference or "") if r)


def discover_policies(pack_dir: Path | None = None) -> list[PolicyInfo]:
    """Every policy the pack's own `__main__.py` constructs, read from its metadata.

    Loaded through the offline engine, which never starts the pack's (blocking) server.
    """
    from compliance.policy_engine import DEFAULT_PACK_DIR, load_pack

    pack = load_pack(pack_dir or DEFAULT_PACK_DIR)
    return [_info(p) for p in sorted(pack.policies, key=lambda p: p.name)]


def _info(policy: object) -> PolicyInfo:
    framework = getattr(policy, "framework", None)
    level = getattr(policy, "enforcement_level", None)
    severity = getattr(policy, "severity", None)
    steps = getattr(policy, "remediation_steps", None) or ""
    return PolicyInfo(
        name=str(getattr(policy, "name", "")),
        description=str(getattr(policy, "description", "")),
        enforcement_level=str(getattr(level, "value", level or "advisory")),
        severity=str(getattr(severity, "value", severity or "")),
        references=_references(getattr(framework, "reference", None)),
        remediation=str(steps),
    )


def policies_by_requirement(
    catalog: Catalog, policies: Iterable[PolicyInfo]
) -> dict[str, list[PolicyInfo]]:
    """Requirement id -> the policies that reference it; an unknown reference is an error."""
    out: dict[str, list[PolicyInfo]] = {r.id: [] for r in catalog.requirements}
    for policy in policies:
        if not policy.references:
            msg = f"policy {policy.name!r} has no PCI DSS framework.reference"
            raise CatalogError(msg)
        for ref in policy.references:
            if ref not in out:
                msg = f"policy {policy.name!r} references {ref}, which is not in the catalog"
                raise CatalogError(msg)
            out[ref].append(policy)
    return out
