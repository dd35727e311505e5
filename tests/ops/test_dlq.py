"""`dlq list / show / redrive`: nothing is lost, nothing moves twice, no card number is shown."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from ops import dlq
from webhook_processor.scrub import REDACTED

from .conftest import AwsLikeSqs, events, platform_module

PAN = "4242424242424242"


def redriven_by_sqs(platform: Any, provider: str, event_type: str) -> None:
    """Deliver an event and let SQS move it to the DLQ after maxReceiveCount receives (as when
    every processing attempt fails or is throttled)."""
    assert platform.deliver(provider, event_type)["statusCode"] == 200
    for _ in range(platform_module.MAX_RECEIVE_COUNT + 1):
        platform.receive(platform.ingest_url)


def dead_lettered_by_a_function(platform: Any, provider: str, event_type: str) -> str:
    """Deliver an event, take its envelope off the ingest queue and dead-letter it with a
    reason, as the processor does (say a normaliser bug, fixed since)."""
    assert platform.deliver(provider, event_type)["statusCode"] == 200
    (message,) = platform.take(platform.ingest_url)
    platform.client("sqs").send_message(
        QueueUrl=platform.dlq_url,
        MessageBody=message["Body"],
        MessageAttributes={"reason": {"DataType": "String", "StringValue": "normaliser failed"}},
    )
    return str(message["Body"])


def event_ids(messages: list[dict[str, Any]]) -> list[str]:
    return sorted(json.loads(m["Body"])["correlation_id"] for m in messages)


def test_list_shows_origin_reason_and_receive_count_and_no_card_number(platform, run) -> None:
    platform.client("sqs").send_message(
        QueueUrl=platform.dlq_url,
        MessageBody=f'{{"card": "{PAN}"}}',
        MessageAttributes={"reason": {"DataType": "String", "StringValue": f"bad card {PAN}"}},
    )
    redriven_by_sqs(platform, "stripe", "payment_intent.succeeded")
    status, out, _ = run("dlq", "list")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"2 message(s) in {platform.dlq_url}"
    function, sqs_redrive = sorted(lines[1:], key=lambda line: "sqs-redrive" in line)
    assert "function" in function
    assert "receives=1" in function
    assert f"reason=bad card {REDACTED}" in function
    assert "sqs-redrive" in sqs_redrive
    assert "reason=-" in sqs_redrive
    assert PAN not in out
    _, again, _ = run("dlq", "list")  # looking is a receive: the count says so
    assert "receives=2" in again


def test_show_prints_the_scrubbed_body(platform, run) -> None:
    platform.client("sqs").send_message(QueueUrl=platform.dlq_url, MessageBody=f"pan={PAN}")
    (letter,) = dlq.peek(platform.client("sqs"), platform.dlq_url)
    status, out, _ = run("dlq", "show", letter.message_id)
    assert status == 0
    assert f"pan={REDACTED}" in out
    assert PAN not in out
    status, _, err = run("dlq", "show", "no-such-id")
    assert status == 1
    assert "no message no-such-id" in err


def test_a_dry_run_redrive_changes_nothing(platform, run, sqs: AwsLikeSqs) -> None:
    dead_lettered_by_a_function(platform, "square", "payment.updated")
    redriven_by_sqs(platform, "stripe", "payment_intent.succeeded")
    status, out, _ = run("dlq", "redrive")
    assert status == 0
    assert "would copy 1 message(s)" in out
    assert "would move 1 message(s) redriven by SQS" in out
    assert "dry run: nothing changed" in out
    assert len(platform.receive(platform.dlq_url)) == 2
    assert platform.receive(platform.ingest_url) == []
    assert sqs.tasks == []


def test_redrive_moves_every_message_back_once_and_a_second_run_moves_nothing(
    platform, run, sqs: AwsLikeSqs
) -> None:
    dead_lettered_by_a_function(platform, "square", "payment.updated")
    redriven_by_sqs(platform, "stripe", "payment_intent.succeeded")
    redriven_by_sqs(platform, "paypal", "PAYMENT.CAPTURE.COMPLETED")
    dead = event_ids(platform.receive(platform.dlq_url))
    assert len(dead) == 3

    status, out, _ = run("dlq", "redrive", "--apply")
    assert status == 0
    assert "copied 1 message(s) dead-lettered by the functions" in out
    assert "moving 2 message(s) redriven by SQS (move task task-1)" in out
    assert platform.receive(platform.dlq_url) == []
    assert event_ids(platform.receive(platform.ingest_url)) == dead

    status, out, _ = run("dlq", "redrive", "--apply")
    assert (status, len(sqs.tasks)) == (0, 1)
    assert "copied 0 message(s)" in out
    assert "redriven by SQS" not in out
    assert event_ids(platform.receive(platform.ingest_url)) == dead  # still each once

    platform.drain()  # what came back is processed like a first delivery
    assert len(platform.items()) == 3
    assert len(platform.notifications("ledger")) == 3


def test_a_redrive_copy_names_its_origin_and_drops_the_reason(platform, run) -> None:
    body = dead_lettered_by_a_function(platform, "square", "payment.updated")
    (letter,) = dlq.peek(platform.client("sqs"), platform.dlq_url)
    assert run("dlq", "redrive", "--apply")[0] == 0
    (copy,) = platform.receive(platform.ingest_url, attributes=True)
    assert copy["Body"] == body
    assert copy["MessageAttributes"] == {
        "redriven-from": {"DataType": "String", "StringValue": letter.message_id}
    }


def test_a_running_move_task_is_not_started_twice(platform, sqs: AwsLikeSqs) -> None:
    redriven_by_sqs(platform, "stripe", "payment_intent.succeeded")
    arn = sqs.get_queue_attributes(QueueUrl=platform.dlq_url, AttributeNames=["QueueArn"])
    sqs.tasks.append(
        {"TaskHandle": "busy", "Status": "RUNNING", "SourceArn": arn["Attributes"]["QueueArn"]}
    )
    done = dlq.redrive(sqs, platform.dlq_url, platform.ingest_url, apply=True)
    assert (done.native, done.move_task, len(sqs.tasks)) == ([done.native[0]], "busy", 1)
    assert len(platform.receive(platform.dlq_url)) == 1  # left for the running task


class ProcessDiedError(Exception):
    """The operator's process died."""


class DiesAtSecondDelete:
    """The SQS client of a redrive that stops between a copy and its delete."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self.deletes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def delete_message(self, **request: Any) -> Any:
        self.deletes += 1
        if self.deletes == 2:
            raise ProcessDiedError
        return self._sqs.delete_message(**request)


def test_an_interrupted_redrive_loses_nothing_and_idempotency_absorbs_the_duplicate(
    platform,
) -> None:
    for provider, event_type in (
        ("square", "payment.updated"),
        ("stripe", "payment_intent.succeeded"),
        ("paypal", "PAYMENT.CAPTURE.COMPLETED"),
    ):
        dead_lettered_by_a_function(platform, provider, event_type)
    sqs = platform.client("sqs")
    dead = event_ids(platform.receive(platform.dlq_url))

    with pytest.raises(ProcessDiedError):
        dlq.redrive(
            DiesAtSecondDelete(sqs), platform.dlq_url, platform.ingest_url, apply=True,
            visibility_seconds=1,
        )  # fmt: skip
    time.sleep(1.2)  # the interrupted run's messages become visible again
    ingest, left = platform.receive(platform.ingest_url), platform.receive(platform.dlq_url)
    assert len(ingest) == 2  # the first copied and deleted, the second copied only
    assert len(left) == 2  # the second (not deleted) and the third (not reached)
    assert sorted(set(event_ids(ingest + left))) == dead  # nothing lost

    done = dlq.redrive(sqs, platform.dlq_url, platform.ingest_url, apply=True)
    assert len(done.copied) == 2
    assert platform.receive(platform.dlq_url) == []
    assert len(platform.receive(platform.ingest_url)) == 4  # one event twice
    platform.drain()
    assert len(platform.items()) == 3
    published = platform.notifications("ledger")
    assert sorted(n["event_id"] for n in published) == sorted(
        {n["event_id"] for n in published}
    )  # the duplicate was stored once and published once
    assert len(published) == 3


def test_dlq_messages_from_a_real_failure_carry_their_reason(platform, run) -> None:
    body = events.body_of(events.stripe_payload("payment_intent.succeeded"))
    body = b"not json " + body
    assert platform.post("/stripe", body, events.stripe_headers(body))["statusCode"] == 200
    status, out, _ = run("dlq", "list")
    assert status == 0
    assert "reason=stripe: verified body is not usable JSON (JSONDecodeError)" in out
