"""report.md and report.html from the evidence bundle (jinja2 templates in templates/)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from compliance.report.evidence import Evidence

TEMPLATES = Path(__file__).with_name("templates")
LABELS = {"met": "Met", "partial": "Partial", "gap": "Gap", "not_applicable": "Not applicable"}

# The architecture picture has one source, docs/architecture.mmd (`make docs` copies it into the
# README and docs/architecture.md); the report replaces its SUFFIX placeholder with the captured
# stack's suffix and lists the names it shows that the capture lacks.
DIAGRAM = Path(__file__).resolve().parents[2] / "docs" / "architecture.mmd"
PLACEHOLDER = "SUFFIX"
_NAMED = re.compile(rf"[a-z0-9][a-z0-9-]*-{PLACEHOLDER}\b")


def stack_suffix(names: Iterable[str]) -> str:
    """The suffix every resource name ends with (`<resource-type>-<suffix>`, stack/naming.py)."""
    ends = sorted(n[::-1] for n in names)
    size = 0
    while ends and size < min(len(ends[0]), len(ends[-1])) and ends[0][size] == ends[-1][size]:
        size += 1
    common = ends[0][:size][::-1] if ends else ""
    return common[common.find("-") + 1 :] if "-" in common else ""


def architecture_diagram(
    diagram: str, resources: Sequence[Mapping[str, Any]]
) -> tuple[str, list[str]]:
    """``diagram`` for this stack's suffix, and the resource names it shows that were not
    captured (a stale picture, or a capture without those resources)."""
    diagram = diagram.rstrip("\n")
    names = {str(r["name"]) for r in resources if r.get("custom")}
    suffix = stack_suffix(names)
    shown = sorted({m.replace(PLACEHOLDER, suffix) for m in _NAMED.findall(diagram)})
    return diagram.replace(PLACEHOLDER, suffix), [n for n in shown if n not in names]


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(evidence: Evidence, diagram: tuple[str, list[str]], template: str) -> str:
    """Render one template (report.md.j2 or report.html.j2) with the architecture diagram and
    the names it shows that the capture lacks."""
    return _ENV.get_template(template).render(
        e=evidence,
        label=LABELS,
        diagram=diagram[0],
        not_captured=diagram[1],
        policies={p.policy: p for p in evidence.policy_results},
        tests={t.test_id: t for t in evidence.tests},
    )
