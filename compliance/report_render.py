"""report.md and report.html from the evidence bundle (jinja2 templates in report_templates/)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from compliance.report_model import Evidence

TEMPLATES = Path(__file__).with_name("report_templates")
LABELS = {"met": "Met", "partial": "Partial", "gap": "Gap", "not_applicable": "Not applicable"}

# The data path, by resource type: (node id, type token, tag Component or None).
_NODES = (
    ("url", "aws:lambda/functionUrl:FunctionUrl", None),
    ("receiver", "aws:lambda/function:Function", "webhook-receiver"),
    ("ingest", "aws:sqs/queue:Queue", "ingest"),
    ("processor", "aws:lambda/function:Function", "webhook-processor"),
    ("table", "aws:dynamodb/table:Table", None),
    ("topic", "aws:sns/topic:Topic", None),
    ("dlq", "aws:sqs/queue:Queue", "dlq"),
    ("params", "aws:ssm/parameter:Parameter", None),
    ("key", "aws:kms/key:Key", None),
    ("logs", "aws:cloudwatch/logGroup:LogGroup", None),
)
_EDGES = (
    ("providers", "url", "HTTPS webhook"),
    ("url", "receiver", "signature verified"),
    ("params", "receiver", "signing secrets"),
    ("receiver", "ingest", "SendMessage"),
    ("ingest", "processor", "event source mapping"),
    ("ingest", "dlq", "redrive"),
    ("processor", "table", "conditional PutItem"),
    ("processor", "topic", "Publish"),
    ("processor", "dlq", "failures"),
)


def _role(resource: Mapping[str, Any], dlq_arns: set[str]) -> str | None:
    """What distinguishes resources of one type: a function's Component tag, a queue's use."""
    if resource["type"] == "aws:sqs/queue:Queue":
        return "dlq" if (resource.get("outputs") or {}).get("arn") in dlq_arns else "ingest"
    return ((resource.get("inputs") or {}).get("tags") or {}).get("Component")


def _dlq_arns(resources: Sequence[Mapping[str, Any]]) -> set[str]:
    arns = set()
    for r in resources:
        redrive = (r.get("inputs") or {}).get("redrivePolicy")
        if isinstance(redrive, str):
            arns.add(str(json.loads(redrive).get("deadLetterTargetArn")))
    return arns


def architecture_diagram(resources: Sequence[Mapping[str, Any]]) -> str:
    """A Mermaid flowchart of the data path, labelled with the captured resource names."""
    lines = ["flowchart LR", '  providers(["Stripe / Square / PayPal / Adyen"])']
    dlq_arns = _dlq_arns(resources)
    for node, type_, role in _NODES:
        names = sorted(
            str(r["name"])
            for r in resources
            if r["type"] == type_ and (role is None or _role(r, dlq_arns) == role)
        )
        lines.append(f'  {node}["{"<br/>".join(names) or f"({node}: none captured)"}"]')
    lines += [f"  {a} -->|{label}| {b}" for a, b, label in _EDGES]
    lines.append("  key -. encrypts .-> table & topic & ingest & dlq & params & logs")
    lines.append("  receiver & processor -. logs .-> logs")
    return "\n".join(lines)


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(evidence: Evidence, diagram: str, template: str) -> str:
    """Render one template (report.md.j2 or report.html.j2)."""
    return _ENV.get_template(template).render(
        e=evidence,
        label=LABELS,
        diagram=diagram,
        policies={p.policy: p for p in evidence.policy_results},
        tests={t.test_id: t for t in evidence.tests},
    )
