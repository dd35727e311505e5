"""The processor: SQS batch of verified deliveries -> DynamoDB (exactly once) + SNS (at least once).

Per batch, at steady state, three AWS calls: one TransactWriteItems storing every new record
with ``attribute_not_exists`` (a redelivered event is a ConditionalCheckFailed, reported per
item in the cancellation reasons together with the stored item), one SNS PublishBatch, and one
TransactWriteItems setting ``published_at`` on what was published.

A redelivered record is published again only while its stored item lacks ``published_at``: an
earlier attempt stored it but failed to publish, and the retry repairs that. Once published, a
redelivery is acknowledged without publishing, so a captured delivery replayed to the receiver
(Square signatures carry no timestamp) reaches no subscriber a second time. If the marker write
fails after a publish, the message is still acknowledged: a later redelivery publishes once more
(at least once, never lost).

Outcomes per SQS message: stored and published (or already published) -> acknowledged; event
type not stored -> acknowledged and logged as ignored; poison (can never be processed) -> sent
to the DLQ with its reason, then acknowledged; anything transient -> reported in
``batchItemFailures`` so only that message returns to the queue (and, after maxReceiveCount,
SQS moves it to the DLQ).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from webhook_processor import clients, metrics
from webhook_processor.config import ProcessorConfig
from webhook_processor.envelope import Envelope
from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import normalize
from webhook_processor.normalize._common import iso_utc
from webhook_processor.observability import annotate, make_logger, make_tracer
from webhook_processor.records import TransactionRecord
from webhook_processor.scrub import scrub_text

logger = make_logger()
tracer = make_tracer()

SNS_BATCH_LIMIT = 10
TRANSACTION_LIMIT = 100
NEW_ONLY = "attribute_not_exists(transaction_id)"
PUBLISHED = "published_at"
"""Item attribute: when the record was first published (bookkeeping, never in the record)."""

Key = tuple[str, str]


class ProcessingFailedError(Exception):
    """Raised for a message whose processing failed transiently (it goes back to the queue)."""


@dataclass
class BatchPlan:
    """What a batch asks for, decided without AWS: records to store, poison, ignored."""

    records: dict[Key, TransactionRecord] = field(default_factory=dict)
    messages_by_key: dict[Key, list[str]] = field(default_factory=dict)
    poison: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def plan_batch(messages: Iterable[tuple[str, str]]) -> BatchPlan:
    """Classify ``(message_id, body)`` pairs; duplicates within a batch share one record.

    An unexpected error fails only its own message (it is retried, then dead-lettered by SQS).
    """
    plan = BatchPlan()
    for message_id, body in messages:
        try:
            envelope = Envelope.from_json(body)
            record = normalize(
                envelope.provider,
                envelope.payload,
                received_at=envelope.received_at,
                correlation_id=envelope.correlation_id,
            )
        except PoisonMessageError as error:
            plan.poison[message_id] = str(error)
            continue
        except Exception as error:  # a bug must not hold back the whole batch
            logger.error(
                "unexpected error: message returns to the queue",
                extra={"message_id": message_id, "error": type(error).__name__},
            )
            plan.failed.append(message_id)
            continue
        if record is None:
            plan.ignored.append(message_id)
            logger.info(
                "event type not stored",
                extra={
                    "message_id": message_id,
                    "provider": envelope.provider,
                    "correlation_id": envelope.correlation_id,
                    "event_type": _event_type(envelope.payload),
                },
            )
            continue
        plan.records.setdefault(record.key, record)
        plan.messages_by_key.setdefault(record.key, []).append(message_id)
    return plan


def _event_type(payload: Any) -> str:
    if isinstance(payload, Mapping):
        for name in ("type", "event_type"):
            if isinstance(payload.get(name), str):
                return str(payload[name])
    return "unknown"


class Stored(Enum):
    """What ``store`` found for a record."""

    NEW = "new"  # written by this call
    UNPUBLISHED = "unpublished"  # stored earlier, never published: publish it now
    PUBLISHED = "published"  # stored and published earlier: a redelivery or a replay


def _transact(actions: Sequence[tuple[Key, dict[str, Any]]]) -> dict[Key, dict[str, Any]]:
    """Run ``(key, action)`` pairs through TransactWriteItems, 100 per call.

    The result maps each key that reached a verdict to ``{}`` (written) or to its cancellation
    reason (its condition failed; with ALL_OLD the reason carries the stored item). A
    transaction is all or nothing: when DynamoDB cancels it, items that were only cancelled
    alongside are tried again; an item with any other reason is left out of the result (the
    caller retries it through SQS), as is every item of a call that failed outright.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    outcome: dict[Key, dict[str, Any]] = {}
    pending = list(actions)
    dynamodb = clients.client("dynamodb")
    while pending:
        batch, pending = pending[:TRANSACTION_LIMIT], pending[TRANSACTION_LIMIT:]
        try:
            dynamodb.transact_write_items(TransactItems=[action for _, action in batch])
        except (BotoCoreError, ClientError) as error:
            reasons = getattr(error, "response", {}).get("CancellationReasons")
            if clients.error_code(error) != "TransactionCanceledException" or not reasons:
                logger.warning("transaction failed", extra={"error": clients.error_code(error)})
                continue
            retry = []
            for (key, action), reason in zip(batch, reasons, strict=True):
                code = reason.get("Code", "None")
                if code == "ConditionalCheckFailed":
                    outcome[key] = reason
                elif code == "None":
                    retry.append((key, action))
                else:
                    logger.warning("item not written", extra={"reason": code, "key": key[1]})
            if len(retry) < len(batch):  # progress was made; otherwise give up on this batch
                pending = retry + pending
            continue
        outcome.update((key, {}) for key, _ in batch)
    return outcome


@tracer.capture_method(capture_response=False)
def store(table_name: str, records: Sequence[TransactionRecord]) -> dict[Key, Stored]:
    """Write new records; the result says per key whether this call wrote it or what was
    already stored. Keys missing from the result failed (they are retried by SQS)."""
    actions = [
        (
            record.key,
            {
                "Put": {
                    "TableName": table_name,
                    "Item": record.to_item(),
                    "ConditionExpression": NEW_ONLY,
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
        )
        for record in records
    ]
    return {key: _stored(reason) for key, reason in _transact(actions).items()}


def _stored(reason: Mapping[str, Any]) -> Stored:
    """A put's verdict: ``{}`` (written) or its cancellation reason, with the stored item."""
    if not reason:
        return Stored.NEW
    return Stored.PUBLISHED if PUBLISHED in reason.get("Item", {}) else Stored.UNPUBLISHED


@tracer.capture_method(capture_response=False)
def mark_published(table_name: str, records: Sequence[TransactionRecord]) -> set[Key]:
    """Set ``published_at`` (the first publish time is kept) on stored records; returns the
    keys marked. The condition keeps the update from creating an item that is not there."""
    now = iso_utc(datetime.now(UTC))
    actions = [
        (
            record.key,
            {
                "Update": {
                    "TableName": table_name,
                    "Key": record.key_attributes(),
                    "UpdateExpression": f"SET {PUBLISHED} = if_not_exists({PUBLISHED}, :now)",
                    "ConditionExpression": "attribute_exists(transaction_id)",
                    "ExpressionAttributeValues": {":now": {"S": now}},
                }
            },
        )
        for record in records
    ]
    return {key for key, reason in _transact(actions).items() if not reason}


@tracer.capture_method(capture_response=False)
def publish(topic_arn: str, records: Sequence[TransactionRecord]) -> set[Key]:
    """Publish records with filterable attributes; returns the keys that were published."""
    from botocore.exceptions import BotoCoreError, ClientError

    sns = clients.client("sns")
    published: set[Key] = set()
    for start in range(0, len(records), SNS_BATCH_LIMIT):
        chunk = records[start : start + SNS_BATCH_LIMIT]
        entries = [
            {
                "Id": str(index),
                "Message": record.to_message(),
                "MessageAttributes": record.message_attributes(),
            }
            for index, record in enumerate(chunk)
        ]
        try:
            response = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=entries)
        except (BotoCoreError, ClientError) as error:
            logger.warning("publish failed", extra={"error": clients.error_code(error)})
            continue
        for entry in response.get("Failed", []):
            logger.warning("publish entry failed", extra={"code": entry.get("Code")})
        published.update(chunk[int(entry["Id"])].key for entry in response.get("Successful", []))
    return published


def process(config: ProcessorConfig, messages: Sequence[tuple[str, str]]) -> set[str]:
    """Process ``(message_id, body)`` pairs; returns the ids of messages to retry."""
    plan = plan_batch(messages)
    bodies = dict(messages)
    failed = set(plan.failed)
    for message_id, reason in plan.poison.items():
        logger.error("poison message", extra={"message_id": message_id, "reason": reason})
        error = clients.send_message(config.dlq_url, scrub_text(bodies[message_id]), reason=reason)
        if error:
            logger.warning("dead-letter send failed", extra={"error": error})
            failed.add(message_id)
    records = list(plan.records.values())
    stored = store(config.table_name, records) if records else {}
    due = [r for r in records if stored.get(r.key) in (Stored.NEW, Stored.UNPUBLISHED)]
    published = publish(config.topic_arn, due)
    marked = mark_published(config.table_name, [r for r in due if r.key in published])
    now = datetime.now(UTC)
    for record in records:
        if stored.get(record.key) is Stored.NEW:
            metrics.event_age(record.received_at, now)
    duplicates = 0
    for key, message_ids in plan.messages_by_key.items():
        record = plan.records[key]
        state = stored.get(key)
        ok = key in published or state is Stored.PUBLISHED
        logger.info(
            "record processed" if ok else "record will be retried",
            extra={
                "correlation_id": record.correlation_id,
                "transaction_id": record.transaction_id,
                "event_id": record.event_id,
                "status": record.status.value,
                "stored": state.value if state else None,
                "published": key in published,
            },
        )
        if key in published and key not in marked:
            logger.warning(
                "published but not marked: a redelivery would publish it again",
                extra={"event_id": record.event_id},
            )
        if not ok:
            failed.update(message_ids)
        elif state is Stored.PUBLISHED:
            duplicates += len(message_ids)  # stored and published before: redelivered
        else:
            duplicates += len(message_ids) - 1  # copies within this batch
    metrics.count(metrics.RECORDS_STORED, sum(s is Stored.NEW for s in stored.values()))
    metrics.count(metrics.DUPLICATES_SKIPPED, duplicates)
    metrics.count(metrics.RECORDS_PUBLISHED, len(published))
    metrics.count(metrics.EVENTS_IGNORED, len(plan.ignored))
    metrics.count(metrics.POISON_MESSAGES, len(plan.poison))
    metrics.count(metrics.MESSAGES_RETRIED, len(failed))
    annotate(tracer, records=len(records), failed=len(failed), poison=len(plan.poison))
    return failed


_batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Lambda entry point for the SQS event source mapping (ReportBatchItemFailures)."""
    config = ProcessorConfig.from_env(os.environ)
    failed = process(
        config, [(record["messageId"], record["body"]) for record in event.get("Records", [])]
    )

    def outcome(record: SQSRecord) -> None:
        if record.message_id in failed:
            msg = "processing failed; the message returns to the queue"
            raise ProcessingFailedError(msg)

    return process_partial_response(
        event=event, record_handler=outcome, processor=_batch, context=context
    )
