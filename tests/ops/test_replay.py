"""`replay`: exactly the selected records reach the topic again, marked as a replay."""

from __future__ import annotations

import json
from typing import Any

import pytest

from webhook_processor.records import TransactionRecord

from .conftest import events

STRIPE = "stripe:pi_3MtwBwLkdIwHu7ix28a3tqPa"


@pytest.fixture
def delivered(platform) -> dict[str, dict[str, Any]]:
    """Every provider case delivered, stored and published once (first deliveries consumed);
    the first notifications by record key (one per fact, whichever events reported it)."""
    for case in events.CASES:
        assert platform.deliver(case.provider, case.event_type)["statusCode"] == 200
    platform.drain()
    first = platform.notifications("ledger")
    assert len(first) == len({(c.transaction_id, c.fact) for c in events.CASES})
    return {_key(n): n for n in first}


def _key(record: dict[str, Any]) -> tuple[str, str]:
    return record["transaction_id"], record["timestamp"]


def _stripe_facts() -> set[tuple[str, str]]:
    return {(c.transaction_id, c.fact) for c in events.CASES if c.transaction_id == STRIPE}


def replayed(platform) -> list[dict[str, Any]]:
    return platform.take(platform.subscribers["ledger"])


def test_replay_by_transaction_id_publishes_exactly_that_transactions_records(
    platform, run, delivered
) -> None:
    status, out, _ = run("replay", "--transaction-id", STRIPE, "--apply")
    assert status == 0
    messages = replayed(platform)
    expected = _stripe_facts()
    assert sorted(_key(json.loads(m["Body"])) for m in messages) == sorted(expected)
    for message in messages:
        body = json.loads(message["Body"])
        assert body == delivered[_key(body)]  # the same record, byte for byte in JSON
        marker = message["MessageAttributes"]["replay"]["StringValue"]
        assert marker.startswith("ops-")
        assert message["MessageAttributes"]["status"]["StringValue"] == body["status"]
    assert f"published {len(expected)} record(s) with replay=" in out
    assert replayed(platform) == []  # once


def test_filters_still_apply_to_a_replay(platform, run, delivered) -> None:
    platform.take(platform.subscribers["disputes"])  # the first deliveries
    assert run("replay", "--transaction-id", STRIPE, "--apply")[0] == 0
    disputes = [json.loads(m["Body"]) for m in platform.take(platform.subscribers["disputes"])]
    wanted = sum(1 for c in events.CASES if c.transaction_id == STRIPE and c.status == "disputed")
    assert wanted > 1
    assert [d["status"] for d in disputes] == ["disputed"] * len(
        {(c.transaction_id, c.fact) for c in events.CASES
         if c.transaction_id == STRIPE and c.status == "disputed"}
    )  # fmt: skip


def test_replay_by_time_range_publishes_exactly_the_records_received_in_it(
    platform, run, delivered
) -> None:
    dynamodb = platform.client("dynamodb")
    items = platform.items()
    # Spread the deliveries over hours, so the range selects a known subset.
    for hour, item in enumerate(items):
        dynamodb.update_item(
            TableName=platform.table_name,
            Key={k: item[k] for k in ("transaction_id", "timestamp")},
            UpdateExpression="SET received_at = :at",
            ExpressionAttributeValues={":at": {"S": f"2026-12-01T{hour:02d}:30:00.000000Z"}},
        )
    inside = {
        (i["transaction_id"]["S"], i["timestamp"]["S"])
        for hour, i in enumerate(items)
        if 2 <= hour < 5
    }
    status, _, _ = run(
        "replay", "--since", "2026-12-01T02:00:00Z", "--until", "2026-12-01T05:00:00+00:00",
        "--apply",
    )  # fmt: skip
    assert status == 0
    messages = replayed(platform)
    assert sorted(_key(json.loads(m["Body"])) for m in messages) == sorted(inside)
    assert len(inside) == 3


def test_a_dry_run_replay_lists_and_publishes_nothing(platform, run, delivered) -> None:
    status, out, _ = run("replay", "--transaction-id", STRIPE)
    assert status == 0
    count = len(_stripe_facts())
    assert f"dry run: would publish {count} record(s)" in out
    assert out.count(STRIPE) == count
    assert replayed(platform) == []


def test_an_item_that_is_not_a_record_is_skipped_not_published(platform, run, delivered) -> None:
    platform.client("dynamodb").put_item(
        TableName=platform.table_name,
        Item={"transaction_id": {"S": STRIPE}, "timestamp": {"S": "broken"}},
    )
    status, out, _ = run("replay", "--transaction-id", STRIPE, "--apply")
    assert status == 1
    assert f"skipped: item {STRIPE} lacks the record field " in out
    assert len(replayed(platform)) == len(_stripe_facts())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give either --transaction-id or a time range"),
        (["--transaction-id", "x", "--since", "2026-12-01T00:00:00Z"], "give either"),
        (["--since", "yesterday"], "--since: 'yesterday' is not an ISO 8601 time"),
        (["--until", "2026-12-01T00:00:00"], "has no time zone (add Z for UTC)"),
        (
            ["--since", "2026-12-02T00:00:00Z", "--until", "2026-12-01T00:00:00Z"],
            "is not before --until",
        ),
    ],
)
def test_an_unusable_selection_exits_2(platform, run, argv: list[str], message: str) -> None:
    status, _, err = run("replay", *argv, "--apply")
    assert status == 2
    assert message in err


def test_record_from_item_round_trips_the_stored_record(platform, delivered) -> None:
    for item in platform.items():
        record = TransactionRecord.from_item(item)
        assert json.loads(record.to_message()) == delivered[record.key]
