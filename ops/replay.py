"""Publish stored records to the topic again, for a subscriber that lost them.

Records are selected by transaction id (a Query on the table's hash key) or by the time the
receiver got them (``received_at`` in ``[since, until)``, a paginated Scan). Each is published
exactly as the processor publishes it (same body, same filterable attributes, so subscription
filters select it the same way) plus a ``replay`` attribute naming this replay, so subscribers
can tell a replay from a first delivery. Items that are not records (or are malformed) are
reported and skipped, never published.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Final

from webhook_processor.normalize._common import iso_utc
from webhook_processor.records import TransactionRecord

REPLAY: Final = "replay"
PUBLISH_BATCH: Final = 10
"""SNS PublishBatch takes at most ten entries."""


class SelectionError(ValueError):
    """The selection is unusable (no criterion, both, or a time that is not ISO 8601 UTC)."""


def utc_time(value: str, option: str) -> str:
    """An ISO-8601 time as the records store it (``...T...:...:....ffffffZ``), or SelectionError."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        msg = f"{option}: {value!r} is not an ISO 8601 time (e.g. 2026-12-02T10:00:00Z)"
        raise SelectionError(msg) from None
    if parsed.tzinfo is None:
        msg = f"{option}: {value!r} has no time zone (add Z for UTC)"
        raise SelectionError(msg)
    return iso_utc(parsed)


def select(
    dynamodb: Any,
    table: str,
    *,
    transaction_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The table items a replay selects (see the module docstring)."""
    if (transaction_id is None) == (since is None and until is None):
        msg = "give either --transaction-id or a time range (--since and/or --until)"
        raise SelectionError(msg)
    if transaction_id is not None:
        request: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "transaction_id = :id",
            "ExpressionAttributeValues": {":id": {"S": transaction_id}},
        }
        operation = dynamodb.query
    else:
        low = utc_time(since, "--since") if since else "0"
        high = utc_time(until, "--until") if until else "9"
        if low >= high:
            msg = f"--since {since} is not before --until {until}"
            raise SelectionError(msg)
        request = {
            "TableName": table,
            "FilterExpression": "received_at >= :low AND received_at < :high",
            "ExpressionAttributeValues": {":low": {"S": low}, ":high": {"S": high}},
        }
        operation = dynamodb.scan
    while True:
        page = operation(**request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def publish(
    sns: Any, topic_arn: str, records: Sequence[TransactionRecord], replay_id: str
) -> list[str]:
    """Publish ``records`` marked with ``replay=replay_id``; returns the event ids that failed."""
    failed: list[str] = []
    marker = {REPLAY: {"DataType": "String", "StringValue": replay_id}}
    for start in range(0, len(records), PUBLISH_BATCH):
        chunk = records[start : start + PUBLISH_BATCH]
        response = sns.publish_batch(
            TopicArn=topic_arn,
            PublishBatchRequestEntries=[
                {
                    "Id": str(index),
                    "Message": record.to_message(),
                    "MessageAttributes": {**record.message_attributes(), **marker},
                }
                for index, record in enumerate(chunk)
            ],
        )
        failed += [chunk[int(entry["Id"])].event_id for entry in response.get("Failed", [])]
    return failed
