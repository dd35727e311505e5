"""The processor: SQS batch of verified deliveries -> DynamoDB (exactly once) + SNS (at least once).

Per batch, at steady state, two AWS calls: one TransactWriteItems storing every new record
with ``attribute_not_exists`` (a redelivered event is a ConditionalCheckFailed, reported per
item in the cancellation reasons) and one SNS PublishBatch. A record that already exists is
published again: if an earlier attempt stored it but failed to publish, the retry repairs it.

Outcomes per SQS message: stored and published -> acknowledged; event type not stored ->
acknowledged and logged as ignored; poison (can never be processed) -> sent to the DLQ with
its reason, then acknowledged; anything transient -> reported in ``batchItemFailures`` so only
that message returns to the queue (and, after maxReceiveCount, SQS moves it to the DLQ).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from webhook_processor import clients
from webhook_processor.config import ProcessorConfig
from webhook_processor.envelope import Envelope
from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import normalize
from webhook_processor.observability import annotate, make_logger, make_tracer
from webhook_processor.records import TransactionRecord
from webhook_processor.scrub import scrub_text

logger = make_logger()
tracer = make_tracer()

SNS_BATCH_LIMIT = 10
TRANSACTION_LIMIT = 100
NEW_ONLY = "attribute_not_exists(transaction_id)"


class ProcessingFailedError(Exception):
    """Raised for a message whose processing failed transiently (it goes back to the queue)."""


@dataclass
class BatchPlan:
    """What a batch asks for, decided without AWS: records to store, poison, ignored."""

    records: dict[tuple[str, str], TransactionRecord] = field(default_factory=dict)
    messages_by_key: dict[tuple[str, str], list[str]] = field(default_factory=dict)
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


@tracer.capture_method(capture_response=False)
def store(table_name: str, records: Sequence[TransactionRecord]) -> dict[tuple[str, str], bool]:
    """Write new records in one transaction; the result maps each stored key to True when this
    call wrote it and False when it already existed. Keys missing from the result failed.

    A transaction is all or nothing: when DynamoDB cancels it, the reasons say per item
    whether its condition failed (a duplicate: already stored) or it was only cancelled
    alongside (tried again); an item with any other reason fails and is retried by SQS.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    outcome: dict[tuple[str, str], bool] = {}
    pending = list(records)
    dynamodb = clients.client("dynamodb")
    while pending:
        batch, pending = pending[:TRANSACTION_LIMIT], pending[TRANSACTION_LIMIT:]
        items = [
            {
                "Put": {
                    "TableName": table_name,
                    "Item": r.to_item(),
                    "ConditionExpression": NEW_ONLY,
                }
            }
            for r in batch
        ]
        try:
            dynamodb.transact_write_items(TransactItems=items)
        except (BotoCoreError, ClientError) as error:
            reasons = getattr(error, "response", {}).get("CancellationReasons")
            if clients.error_code(error) != "TransactionCanceledException" or not reasons:
                logger.warning("transaction failed", extra={"error": clients.error_code(error)})
                continue
            retry = []
            for record, reason in zip(batch, reasons, strict=True):
                code = reason.get("Code", "None")
                if code == "ConditionalCheckFailed":
                    outcome[record.key] = False
                elif code == "None":
                    retry.append(record)
                else:
                    logger.warning(
                        "record not stored", extra={"reason": code, "event_id": record.event_id}
                    )
            pending = retry + pending
            continue
        outcome.update((record.key, True) for record in batch)
    return outcome


@tracer.capture_method(capture_response=False)
def publish(topic_arn: str, records: Sequence[TransactionRecord]) -> set[tuple[str, str]]:
    """Publish records with filterable attributes; returns the keys that were published."""
    from botocore.exceptions import BotoCoreError, ClientError

    sns = clients.client("sns")
    published: set[tuple[str, str]] = set()
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
    published = publish(config.topic_arn, [r for r in records if r.key in stored])
    for key, message_ids in plan.messages_by_key.items():
        record = plan.records[key]
        ok = key in published
        logger.info(
            "record processed" if ok else "record will be retried",
            extra={
                "correlation_id": record.correlation_id,
                "transaction_id": record.transaction_id,
                "event_id": record.event_id,
                "status": record.status.value,
                "new": stored.get(key),
                "published": ok,
            },
        )
        if not ok:
            failed.update(message_ids)
    annotate(tracer, records=len(records), failed=len(failed), poison=len(plan.poison))
    return failed


_batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
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
