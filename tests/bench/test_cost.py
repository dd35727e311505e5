"""The cost model prices the "before" (TransactWriteItems) from the same usage as the current
conditional single-item writes: twice the write units, nothing else changed."""

from __future__ import annotations

import json
import re

from bench import bench_cost
from bench.bench_cost import BEFORE, PerWebhook, Settings, breakdown, report

USAGE = PerWebhook(
    receiver_invocations=1.0, processor_invocations=0.25, receiver_ms=30.0, processor_ms=150.0,
    sqs_requests=1.5, write_units=1.8, sns_chunks=0.85, log_bytes=1700.0,
)  # fmt: skip
PRICES = json.loads(bench_cost.PRICES.read_text())


def test_transactional_writes_cost_twice_the_write_units_and_nothing_else() -> None:
    now = breakdown(USAGE, PRICES, Settings())
    before = breakdown(USAGE, PRICES, BEFORE[1])
    wru = PRICES["prices"]["dynamodb_on_demand_write_request_units_per_million"]["usd"]
    assert now["dynamodb writes"] == USAGE.write_units * wru
    assert before["dynamodb writes"] == 2 * now["dynamodb writes"]
    assert {k: v for k, v in before.items() if k != "dynamodb writes"} == {
        k: v for k, v in now.items() if k != "dynamodb writes"
    }


def test_the_report_shows_before_and_after_and_the_saving() -> None:
    text, rows = report(USAGE, PRICES)
    values = {row.name: row.value for row in rows}
    saving = values["cost before: TransactWriteItems"] - values["cost per million webhooks"]
    wru = PRICES["prices"]["dynamodb_on_demand_write_request_units_per_million"]["usd"]
    assert round(saving, 3) == round(USAGE.write_units * wru, 3)
    printed = re.search(r"before \(issue 12\).*: \$([\d.]+); conditional .* save \$([\d.]+)", text)
    assert printed
    assert float(printed[1]) == values["cost before: TransactWriteItems"]
    assert abs(float(printed[2]) - saving) < 1e-3
