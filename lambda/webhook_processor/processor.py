"""The processor: SQS batch of verified deliveries -> DynamoDB (exactly once) + SNS (at least once).

Per record, at steady state, two conditional single-item writes: a PutItem storing it with
``attribute_not_exists`` (a redelivered event fails the condition, and the error carries the
stored item) and an UpdateItem setting ``published_at`` once it is published; per batch, one
SNS PublishBatch. Records are independent facts (each its own key; nothing is decided from two
items at once), so no guarantee needs a transaction: a conditional write costs one write unit
per KB where a transactional one costs two, and one item's refusal never holds back another.

A redelivered record is published again only while its stored item lacks ``published_at``: an
earlier attempt stored it but failed to publish, and the retry repairs that. Once published, a
redelivery is acknowledged without publishing, so a captured delivery replayed to the receiver
(Square signatures carry no timestamp) reaches no subscriber a second time. If the marker write
fails after a publish, the message is still acknowledged: a later redelivery publishes once more
(at least once, never lost).

A PayPal delivery first claims its transmission id (signed, forwarded in the envelope): a
marker item keyed by the id holds the digest of the body first seen under it. The same id with
the same body (PayPal's retries, SQS redeliveries) passes and is deduplicated as above; the same
id with another body is a replay of a captured signature over a forged body (CRC-32 collisions
make one cheap) and is poison, before anything is stored or published.

Outcomes per SQS message: stored and published (or already published) -> acknowledged; event
type not stored -> acknowledged and logged as ignored; poison (can never be processed) -> sent
to the DLQ with its reason, then acknowledged; anything transient -> reported in
``batchItemFailures`` so only that message returns to the queue (and, after maxReceiveCount,
SQS moves it to the DLQ).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
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
NEW_ONLY = "attribute_not_exists(transaction_id)"
PUBLISHED = "published_at"
"""Item attribute: when the record was first published (bookkeeping, never in the record)."""

Key = tuple[str, str]

TRANSMISSION_HEADER = "paypal-transmission-id"
TRANSMISSION_PREFIX = "transmission#"
"""Marker items' partition key prefix: records' keys start with their provider's name, so the
two can never collide."""
TRANSMISSION_SORT_KEY = "transmission"
DIGEST = "body_sha256"


class ProcessingFailedError(Exception):
    """Raised for a message whose processing failed transiently (it goes back to the queue)."""


@dataclass
class BatchPlan:
    """What a batch asks for, decided without AWS: records to store, poison, ignored."""

    records: dict[Key, TransactionRecord] = field(default_factory=dict)
    messages_by_key: dict[Key, list[str]] = field(default_factory=dict)
    poison: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def plan_batch(messages: Iterable[tuple[str, str]]) -> BatchPlan:
    """Classify ``(message_id, body)`` pairs; duplicates within a batch share one record.

    Parsing and normalising are deterministic functions of the body: any error they raise
    would be raised again on every retry, so it makes the message poison (with its reason)
    rather than returning it to the queue six times.
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
        except Exception as error:  # deterministic: retrying cannot help
            plan.poison[message_id] = f"normalisation failed: {type(error).__name__}: {error}"
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


@dataclass(frozen=True)
class Deadline:
    """When an invocation stops starting AWS calls. What is not done by then is left for SQS to
    redeliver, so slow dependencies end in batch item failures for some messages rather than a
    timed-out invocation that returns the whole batch (publishing and dead-lettering again)."""

    at: float = math.inf
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def of(cls, context: LambdaContext) -> Deadline:
        """Keep one worst-case call (``clients.WORST_CALL_SECONDS``) of the invocation's time in
        reserve, or half of it for a short timeout, so every batch makes progress."""
        remaining = context.get_remaining_time_in_millis() / 1000
        return cls(time.monotonic() + remaining - min(clients.WORST_CALL_SECONDS, remaining / 2))

    def passed(self) -> bool:
        return self.clock() >= self.at


NO_DEADLINE = Deadline()


def _out_of_time(deadline: Deadline, left: int) -> bool:
    """True (and logged) when ``deadline`` has passed with ``left`` calls still to make."""
    if not deadline.passed():
        return False
    logger.warning("out of time: the rest is left for SQS to retry", extra={"calls_left": left})
    return True


@dataclass(frozen=True)
class Claim:
    """A delivery's claim on its transmission id: the marker's key and the body's digest."""

    key: Key
    digest: str


def payload_digest(payload: Any) -> str:
    """SHA-256 of the payload in canonical JSON: equal for equal bodies whatever the envelope."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def transmission_claims(messages: Iterable[tuple[str, str]]) -> dict[str, Claim]:
    """Per message id, the claim of each envelope carrying a transmission id; messages that
    are not usable envelopes are left to ``plan_batch`` to dead-letter."""
    claims = {}
    for message_id, body in messages:
        try:
            envelope = Envelope.from_json(body)
        except PoisonMessageError:
            continue
        transmission_id = envelope.headers.get(TRANSMISSION_HEADER)
        if transmission_id:
            key = (
                f"{TRANSMISSION_PREFIX}{envelope.provider}:{transmission_id}",
                TRANSMISSION_SORT_KEY,
            )
            claims[message_id] = Claim(key, payload_digest(envelope.payload))
    return claims


@dataclass
class Screening:
    """Messages refused as replays or unclaimable (with why), and those to retry."""

    poison: dict[str, str] = field(default_factory=dict)
    retry: set[str] = field(default_factory=set)


@tracer.capture_method(capture_response=False)
def screen(
    table_name: str, claims: Mapping[str, Claim], deadline: Deadline = NO_DEADLINE
) -> Screening:
    """Claim each transmission id for the digest first seen under it (one conditional put per
    id); a message whose digest differs from the id's claimed one is poison."""
    first: dict[Key, str] = {}
    for claim in claims.values():
        first.setdefault(claim.key, claim.digest)
    result = Screening()
    items = {
        key: {"transaction_id": {"S": key[0]}, "timestamp": {"S": key[1]}, DIGEST: {"S": digest}}
        for key, digest in first.items()
    }
    outcome = _put_new_each(table_name, items, deadline)
    for message_id, claim in claims.items():
        if claim.key in outcome.poison:
            reason = outcome.poison[claim.key]
            result.poison[message_id] = f"transmission id not recordable: {reason}"
            continue
        if claim.key in outcome.written:
            claimed = first[claim.key]
        elif claim.key in outcome.found:
            claimed = outcome.found[claim.key].get(DIGEST, {}).get("S")
        else:
            claimed = None
        if claimed is None:  # left out, or refused without the stored marker: nothing proven
            result.retry.add(message_id)
            continue
        if claim.digest != claimed:
            result.poison[message_id] = (
                f"{TRANSMISSION_HEADER} {claim.key[0].removeprefix(TRANSMISSION_PREFIX)} was "
                f"first delivered with a body of sha256 {claimed}, this one is {claim.digest}: "
                "a replayed signature over another body"
            )
    return result


class Stored(Enum):
    """What ``store`` found for a record."""

    NEW = "new"  # written by this call
    UNPUBLISHED = "unpublished"  # stored earlier, never published: publish it now
    PUBLISHED = "published"  # stored and published earlier: a redelivery or a replay


# DynamoDB's hard limits: an item over them is refused on every attempt.
KEY_LIMITS = {"transaction_id": 2048, "timestamp": 1024}
ITEM_LIMIT = 400 * 1024
# SNS PublishBatch: at most 10 entries and 256 KiB for the whole request (not per entry).
PUBLISH_BATCH_LIMIT = 256 * 1024


def unwritable(item: Mapping[str, Mapping[str, str]]) -> str | None:
    """Why DynamoDB would refuse ``item`` (low-level format, S/N values) on every attempt."""
    for name, limit in KEY_LIMITS.items():
        size = len(item[name]["S"].encode())
        if size > limit:
            return f"{name} is {size} bytes, over DynamoDB's {limit}-byte key limit"
    size = sum(
        len(name.encode()) + sum(len(v.encode()) for v in value.values())
        for name, value in item.items()
    )
    if size > ITEM_LIMIT:
        return f"item is {size} bytes, over DynamoDB's {ITEM_LIMIT}-byte item limit"
    return None


@dataclass
class Outcome:
    """Per key: written by this call, the stored item its condition failed on (``ALL_OLD``;
    empty when none is stored), or poison (never writable, with why). A key in none of them
    was left out (throttled, a transport error, any other refusal): SQS retries it."""

    written: set[Key] = field(default_factory=set)
    found: dict[Key, dict[str, Any]] = field(default_factory=dict)
    poison: dict[Key, str] = field(default_factory=dict)


def _write_each(
    operation: str, requests: Sequence[tuple[Key, dict[str, Any]]], deadline: Deadline
) -> Outcome:
    """Send each ``(key, parameters)`` as its own conditional ``operation`` (``put_item`` or
    ``update_item``): each item gets its own verdict.

    ``ConditionalCheckFailedException`` is a verdict (with the stored item);
    ``ValidationException`` refuses that item as such, on every attempt, so it is poison;
    throttling and any other refusal leave the item out. A transport error (no response)
    surfaces only once the SDK has spent its retries (up to ``clients.WORST_CALL_SECONDS``):
    it leaves out that item and the ones after it, which would each wait as long; so does the
    ``deadline``, for calls that are slow but succeed.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    outcome = Outcome()
    write = getattr(clients.client("dynamodb"), operation)
    for done, (key, parameters) in enumerate(requests):
        if _out_of_time(deadline, len(requests) - done):
            break
        try:
            write(**parameters)
        except BotoCoreError as error:
            logger.warning("DynamoDB unreachable: items left for SQS to retry",
                           extra={"error": clients.error_code(error)})  # fmt: skip
            break
        except ClientError as error:
            code = clients.error_code(error)
            response = error.response
            if code == "ConditionalCheckFailedException":
                outcome.found[key] = response.get("Item", {})
            elif code == "ValidationException":
                message = response.get("Error", {}).get("Message", "")
                outcome.poison[key] = f"DynamoDB refused the item: {code}: {message}"
            else:
                # The key ties a message that later reaches the DLQ without a reason (SQS's
                # redrive after maxReceiveCount) to the refusal that kept it out.
                logger.warning(
                    "item not written",
                    extra={"error": code, "transaction_id": key[0], "fact": key[1]},
                )
            continue
        outcome.written.add(key)
    return outcome


def _put_new_each(
    table_name: str, items: Mapping[Key, dict[str, Any]], deadline: Deadline
) -> Outcome:
    """Write each item only if its key is free (on conflict the error carries the stored item);
    an item over DynamoDB's limits is poison without a call."""
    poison = {key: reason for key, item in items.items() if (reason := unwritable(item))}
    requests = [
        (
            key,
            {
                "TableName": table_name,
                "Item": item,
                "ConditionExpression": NEW_ONLY,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
        )
        for key, item in items.items()
        if key not in poison
    ]
    outcome = _write_each("put_item", requests, deadline)
    outcome.poison.update(poison)
    return outcome


@dataclass
class StoreResult:
    """What ``store`` found per key, and the keys that can never be stored (with why)."""

    found: dict[Key, Stored]
    poison: dict[Key, str]


@tracer.capture_method(capture_response=False)
def store(
    table_name: str, records: Sequence[TransactionRecord], deadline: Deadline = NO_DEADLINE
) -> StoreResult:
    """Write new records; says per key whether this call wrote it or what was already stored.
    Items over DynamoDB's limits are poison before any call; keys in neither map are retried."""
    outcome = _put_new_each(table_name, {r.key: r.to_item() for r in records}, deadline)
    found = dict.fromkeys(outcome.written, Stored.NEW)
    for key, item in outcome.found.items():
        found[key] = Stored.PUBLISHED if PUBLISHED in item else Stored.UNPUBLISHED
    return StoreResult(found, outcome.poison)


@tracer.capture_method(capture_response=False)
def mark_published(
    table_name: str, records: Sequence[TransactionRecord], deadline: Deadline = NO_DEADLINE
) -> set[Key]:
    """Set ``published_at`` (the first publish time is kept) on stored records; returns the
    keys marked. The condition keeps the update from creating an item that is not there."""
    now = iso_utc(datetime.now(UTC))
    requests = [
        (
            record.key,
            {
                "TableName": table_name,
                "Key": record.key_attributes(),
                "UpdateExpression": f"SET {PUBLISHED} = if_not_exists({PUBLISHED}, :now)",
                "ConditionExpression": "attribute_exists(transaction_id)",
                "ExpressionAttributeValues": {":now": {"S": now}},
            },
        )
        for record in records
    ]
    return _write_each("update_item", requests, deadline).written


def entry_size(entry: Mapping[str, Any]) -> int:
    """Bytes a PublishBatch entry counts toward the request limit: the message and every
    attribute's name, type and value."""
    attributes = entry.get("MessageAttributes", {})
    return len(entry["Message"].encode()) + sum(
        len(name.encode()) + len(value["DataType"].encode()) + len(value["StringValue"].encode())
        for name, value in attributes.items()
    )


def publish_chunks(entries: Sequence[dict[str, Any]]) -> tuple[list[list[int]], list[int]]:
    """Entry indexes grouped into PublishBatch requests (10 entries, 256 KiB at most each),
    and the indexes of entries too large to publish even alone."""
    chunks: list[list[int]] = []
    oversized = []
    size = 0
    for index, entry in enumerate(entries):
        bytes_ = entry_size(entry)
        if bytes_ > PUBLISH_BATCH_LIMIT:
            oversized.append(index)
            continue
        if not chunks or len(chunks[-1]) == SNS_BATCH_LIMIT or size + bytes_ > PUBLISH_BATCH_LIMIT:
            chunks.append([])
            size = 0
        chunks[-1].append(index)
        size += bytes_
    return chunks, oversized


@dataclass
class PublishResult:
    """Keys published, and keys that can never be published (with why)."""

    published: set[Key]
    poison: dict[Key, str]


@tracer.capture_method(capture_response=False)
def publish(
    topic_arn: str, records: Sequence[TransactionRecord], deadline: Deadline = NO_DEADLINE
) -> PublishResult:
    """Publish records with filterable attributes, in requests within SNS's limits.

    An entry SNS refuses as the sender's fault (``SenderFault``), or one too large to send, is
    poison; other refusals and failed calls are retried through SQS.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    sns = clients.client("sns")
    entries = [
        {
            "Id": str(index),
            "Message": record.to_message(),
            "MessageAttributes": record.message_attributes(),
        }
        for index, record in enumerate(records)
    ]
    chunks, oversized = publish_chunks(entries)
    result = PublishResult(set(), {})
    for index in oversized:
        size = entry_size(entries[index])
        result.poison[records[index].key] = (
            f"message is {size} bytes, over SNS's {PUBLISH_BATCH_LIMIT}-byte limit"
        )
    for done, chunk in enumerate(chunks):
        if _out_of_time(deadline, len(chunks) - done):
            break
        try:
            response = sns.publish_batch(
                TopicArn=topic_arn, PublishBatchRequestEntries=[entries[i] for i in chunk]
            )
        except (BotoCoreError, ClientError) as error:
            logger.warning("publish failed", extra={"error": clients.error_code(error)})
            continue
        for entry in response.get("Failed", []):
            code = entry.get("Code")
            logger.warning("publish entry failed", extra={"code": code})
            if entry.get("SenderFault"):
                reason = f"SNS refused the message: {code}: {entry.get('Message', '')}"
                result.poison[records[int(entry["Id"])].key] = reason
        result.published.update(
            records[int(entry["Id"])].key for entry in response.get("Successful", [])
        )
    return result


def _dead_letter(
    config: ProcessorConfig,
    bodies: Mapping[str, str],
    poison: Mapping[str, str],
    deadline: Deadline = NO_DEADLINE,
) -> set[str]:
    """Send poison messages to the DLQ with their reasons; returns those it could not send."""
    failed = set()
    for done, (message_id, reason) in enumerate(poison.items()):
        if _out_of_time(deadline, len(poison) - done):
            failed.update(list(poison)[done:])
            break
        logger.error("poison message", extra={"message_id": message_id, "reason": reason})
        error = clients.send_message(config.dlq_url, scrub_text(bodies[message_id]), reason=reason)
        if error:
            logger.warning("dead-letter send failed", extra={"error": error})
            failed.add(message_id)
    return failed


def process(
    config: ProcessorConfig,
    messages: Sequence[tuple[str, str]],
    deadline: Deadline = NO_DEADLINE,
) -> set[str]:
    """Process ``(message_id, body)`` pairs; returns the ids of messages to retry."""
    claims = transmission_claims(messages)
    screening = screen(config.table_name, claims, deadline) if claims else Screening()
    plan = plan_batch(
        (message_id, body)
        for message_id, body in messages
        if message_id not in screening.poison and message_id not in screening.retry
    )
    poison = {**screening.poison, **plan.poison}
    failed = set(screening.retry)
    records = list(plan.records.values())
    stored = store(config.table_name, records, deadline) if records else StoreResult({}, {})
    due = [r for r in records if stored.found.get(r.key) in (Stored.NEW, Stored.UNPUBLISHED)]
    sent = publish(config.topic_arn, due, deadline)
    marked = mark_published(
        config.table_name, [r for r in due if r.key in sent.published], deadline
    )
    now = datetime.now(UTC)
    for record in records:
        if stored.found.get(record.key) is Stored.NEW:
            metrics.event_age(record.received_at, now)
    duplicates = 0
    for key, message_ids in plan.messages_by_key.items():
        record = plan.records[key]
        state = stored.found.get(key)
        reason = stored.poison.get(key) or sent.poison.get(key)
        if reason:
            poison.update((message_id, reason) for message_id in message_ids)
            continue
        ok = key in sent.published or state is Stored.PUBLISHED
        logger.info(
            "record processed" if ok else "record will be retried",
            extra={
                "correlation_id": record.correlation_id,
                "transaction_id": record.transaction_id,
                "event_id": record.event_id,
                "status": record.status.value,
                "stored": state.value if state else None,
                "published": key in sent.published,
            },
        )
        if key in sent.published and key not in marked:
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
    failed |= _dead_letter(config, dict(messages), poison, deadline)
    metrics.count(metrics.RECORDS_STORED, sum(s is Stored.NEW for s in stored.found.values()))
    metrics.count(metrics.DUPLICATES_SKIPPED, duplicates)
    metrics.count(metrics.RECORDS_PUBLISHED, len(sent.published))
    metrics.count(metrics.EVENTS_IGNORED, len(plan.ignored))
    metrics.count(metrics.POISON_MESSAGES, len(poison))
    metrics.count(metrics.MESSAGES_RETRIED, len(failed))
    annotate(tracer, records=len(records), failed=len(failed), poison=len(poison))
    return failed


_batch = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Lambda entry point for the SQS event source mapping (ReportBatchItemFailures)."""
    config = ProcessorConfig.from_env(os.environ)
    messages = [(record["messageId"], record["body"]) for record in event.get("Records", [])]
    failed = process(config, messages, Deadline.of(context))

    def outcome(record: SQSRecord) -> None:
        if record.message_id in failed:
            msg = "processing failed; the message returns to the queue"
            raise ProcessingFailedError(msg)

    return process_partial_response(
        event=event, record_handler=outcome, processor=_batch, context=context
    )
