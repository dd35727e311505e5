"""The dead-letter queue: look at what is there, and send it back to the ingest queue.

Two kinds of message reach the DLQ, and each goes back its own way:

- **redriven by SQS** after ``maxReceiveCount`` receives (they carry the
  ``DeadLetterQueueSourceArn`` attribute): SQS's own message move task takes them back. It
  moves whatever the DLQ holds and is meant for what SQS put there, so it starts only after
  the functions' own dead letters are copied;
- **dead-lettered by the functions** (poison deliveries and messages, with a ``reason``
  attribute; or Lambda's records of failed asynchronous invocations): each is copied to the
  ingest queue, then deleted from the DLQ. A redrive that stops between the two leaves the
  message in both queues, never in neither: the processor's conditional write stores it once
  and publishes it at most once more (its at-least-once contract).

Looking receives messages with a short visibility timeout and releases them at once; it does
increase each message's receive count, which the DLQ (it has no redrive policy) ignores.
Bodies and reasons are scrubbed before they are shown: no card number leaves through here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from webhook_processor.scrub import scrub_text

SOURCE_ARN: Final = "DeadLetterQueueSourceArn"
REASON: Final = "reason"
REDRIVEN_FROM: Final = "redriven-from"
"""Attribute on a copied message: the DLQ message id it was copied from."""
PEEK_SECONDS: Final = 30
DEFAULT_VISIBILITY_SECONDS: Final = 120
MAX_BATCHES: Final = 10_000
"""Upper bound on receive calls in one run (100,000 messages): every loop ends."""


@dataclass(frozen=True)
class DeadLetter:
    """One DLQ message as an operator sees it (body and reason scrubbed)."""

    message_id: str
    receipt_handle: str
    body: str
    reason: str | None
    receive_count: int
    sent_at: str
    source_arn: str | None
    raw_body: str
    attributes: dict[str, Any]

    @property
    def redriven_by_sqs(self) -> bool:
        return self.source_arn is not None

    @property
    def origin(self) -> str:
        return "sqs-redrive" if self.redriven_by_sqs else "function"


def _dead_letter(message: dict[str, Any]) -> DeadLetter:
    attributes = message.get("Attributes", {})
    message_attributes = message.get("MessageAttributes", {})
    reason = message_attributes.get(REASON, {}).get("StringValue")
    return DeadLetter(
        message_id=message["MessageId"],
        receipt_handle=message["ReceiptHandle"],
        body=scrub_text(message["Body"]),
        reason=scrub_text(reason) if reason is not None else None,
        receive_count=int(attributes.get("ApproximateReceiveCount", 0)),
        sent_at=attributes.get("SentTimestamp", ""),
        source_arn=attributes.get(SOURCE_ARN),
        raw_body=message["Body"],
        attributes=message_attributes,
    )


def receive_all(sqs: Any, queue_url: str, visibility_seconds: int) -> Iterator[DeadLetter]:
    """Every message visible now, each once, left invisible for ``visibility_seconds``."""
    seen: set[str] = set()
    for _ in range(MAX_BATCHES):
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=visibility_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        fresh = [m for m in batch if m["MessageId"] not in seen]
        if not fresh:
            return
        for message in fresh:
            seen.add(message["MessageId"])
            yield _dead_letter(message)


def release(sqs: Any, queue_url: str, letters: list[DeadLetter]) -> None:
    """Make received messages visible again at once."""
    for letter in letters:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=letter.receipt_handle, VisibilityTimeout=0
        )


def peek(sqs: Any, queue_url: str) -> list[DeadLetter]:
    """Every message now in the DLQ, left there."""
    letters = list(receive_all(sqs, queue_url, PEEK_SECONDS))
    release(sqs, queue_url, letters)
    return letters


@dataclass
class Redrive:
    """What a redrive did (or, dry, would do)."""

    copied: list[str]
    native: list[str]
    move_task: str | None = None
    """The handle of the move task started, or of the one already running."""


def _queue_arn(sqs: Any, queue_url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def _running_task(sqs: Any, dlq_arn: str) -> str | None:
    tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10).get("Results", [])
    running = [t for t in tasks if t.get("Status") == "RUNNING"]
    return str(running[0].get("TaskHandle", "running")) if running else None


def redrive(
    sqs: Any,
    dlq_url: str,
    ingest_url: str,
    *,
    apply: bool,
    visibility_seconds: int = DEFAULT_VISIBILITY_SECONDS,
    progress: Callable[[str], None] = lambda _: None,
) -> Redrive:
    """Send every DLQ message back to the ingest queue (see the module docstring).

    Dry (``apply=False``), only classifies. Function dead letters are copied and deleted one by
    one; then, if SQS-redriven messages were seen, one move task from the DLQ to the ingest
    queue takes them (unless one is already running). A second run finds nothing to move.
    """
    done = Redrive(copied=[], native=[])
    untouched: list[DeadLetter] = []  # released at the end: for the move task, or a dry run
    for letter in receive_all(sqs, dlq_url, visibility_seconds):
        (done.native if letter.redriven_by_sqs else done.copied).append(letter.message_id)
        if letter.redriven_by_sqs or not apply:
            untouched.append(letter)
            continue
        attributes = {k: v for k, v in letter.attributes.items() if k != REASON}
        attributes[REDRIVEN_FROM] = {"DataType": "String", "StringValue": letter.message_id}
        sqs.send_message(
            QueueUrl=ingest_url, MessageBody=letter.raw_body, MessageAttributes=attributes
        )
        sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=letter.receipt_handle)
        progress(f"copied {letter.message_id} to the ingest queue")
    release(sqs, dlq_url, untouched)
    if not done.native or not apply:
        return done
    dlq_arn = _queue_arn(sqs, dlq_url)
    done.move_task = _running_task(sqs, dlq_arn)
    if done.move_task is None:
        started = sqs.start_message_move_task(
            SourceArn=dlq_arn, DestinationArn=_queue_arn(sqs, ingest_url)
        )
        done.move_task = str(started["TaskHandle"])
        progress(f"started move task {done.move_task} for {len(done.native)} message(s)")
    return done
