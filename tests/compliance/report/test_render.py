"""The report's architecture picture is README.md's diagram, made concrete for the stack."""

from __future__ import annotations

import pytest

from compliance.report.render import (
    README,
    DiagramError,
    architecture_diagram,
    readme_diagram,
    stack_suffix,
)


def _resources(*names: str) -> list[dict[str, object]]:
    return [{"name": n, "type": "t", "custom": True} for n in names]


def test_the_readme_architecture_block_is_the_diagram():
    diagram = readme_diagram(README.read_text())
    assert diagram.startswith("flowchart")
    assert "webhook-receiver-SUFFIX" in diagram
    assert "```" not in diagram


def test_a_readme_without_the_diagram_is_a_clear_error():
    with pytest.raises(DiagramError, match="Architecture"):
        readme_diagram("# Title\n\n## Architecture\n\nNo picture.\n")


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
