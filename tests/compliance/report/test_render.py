"""The report's architecture picture is docs/architecture.mmd, made concrete for the stack."""

from __future__ import annotations

from compliance.report.render import DIAGRAM, architecture_diagram, stack_suffix


def _resources(*names: str) -> list[dict[str, object]]:
    return [{"name": n, "type": "t", "custom": True} for n in names]


def test_the_diagram_source_is_a_mermaid_flowchart_of_the_stack():
    diagram = DIAGRAM.read_text()
    assert diagram.startswith("flowchart")
    assert "webhook-receiver-SUFFIX" in diagram
    assert "```" not in diagram


def test_the_suffix_is_what_every_name_ends_with():
    assert stack_suffix(["webhook-dlq-dev", "payment-webhooks-key-dev"]) == "dev"
    assert stack_suffix(["webhook-dlq-pr-12", "table-logs-pr-12"]) == "pr-12"
    assert stack_suffix([]) == ""


def test_placeholders_become_the_stack_names_and_stale_ones_are_listed():
    diagram = (
        "flowchart LR\n  R[webhook-receiver-SUFFIX] --> Q[[webhook-gone-SUFFIX]]\n  P[/x/SUFFIX/]"
    )
    text, missing = architecture_diagram(
        diagram, _resources("webhook-receiver-qa", "webhook-receiver-logs-qa")
    )
    assert text == "flowchart LR\n  R[webhook-receiver-qa] --> Q[[webhook-gone-qa]]\n  P[/x/qa/]"
    assert missing == ["webhook-gone-qa"]
