"""docs/operations.md's alarm and metric tables say what the stack and the handlers do."""

from __future__ import annotations

import itertools
import re
from typing import Any

from compliance.preview import Preview
from tests.stack.conftest import ROOT
from tests.stack.test_platform import alarms
from webhook_processor import metrics

RUNBOOK = (ROOT / "docs" / "operations.md").read_text()
SUFFIX = "qa"


def table(section: str) -> list[list[str]]:
    """The rows of the first table under ``## section`` (header and rule dropped)."""
    body = RUNBOOK.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    first = body[body.index("\n| ") + 1 :]
    rows = list(itertools.takewhile(lambda line: line.startswith("| "), first.splitlines()))
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]


def documented(alarm: dict[str, Any]) -> tuple[str, str]:
    """How the runbook writes what an alarm watches and when it fires."""
    dimensions = " ".join(f"{k}={v}" for k, v in sorted(alarm["dimensions"].items()))
    watches = f"`{alarm['namespace']}` `{alarm['metricName']}` {dimensions}"
    return watches.replace(f"-{SUFFIX}", "-<suffix>"), f"{alarm['statistic']} > "


def test_the_alarm_table_lists_every_alarm_with_what_it_watches(stack: Preview) -> None:
    rows = {row[0].strip("`"): row for row in table("Alarms")}
    deployed = {name.removesuffix(f"-{SUFFIX}"): a for name, a in alarms(stack).items()}
    assert sorted(rows) == sorted(deployed)
    for resource_type, alarm in deployed.items():
        _, watches, fires, means = rows[resource_type]
        expected_watches, expected_fires = documented(alarm)
        assert watches == expected_watches, resource_type
        assert fires.startswith(expected_fires), resource_type
        threshold = int(alarm["threshold"])
        assert fires.endswith(f"({threshold})" if threshold else "> 0"), resource_type
        assert means, resource_type


def test_the_metric_table_lists_every_metric_the_handlers_emit() -> None:
    names = {
        value
        for name, value in vars(metrics).items()
        if name.isupper() and isinstance(value, str) and re.fullmatch(r"(?:[A-Z][a-z]+){2,}", value)
    } - {metrics.DEFAULT_NAMESPACE}
    assert len(names) == 13
    assert {row[0].strip("`") for row in table("Metrics")} == names
