"""Fault modes with redelivery until the queue is empty: nothing lost, nothing stored twice,
no error escaping the handler, every dead letter with its reason."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from webhook_processor import clients, processor
from webhook_processor.envelope import Envelope
from webhook_processor.normalize import normalize

from . import provider_events as events

URL = "https://dynamodb.us-east-1.amazonaws.com"
TRANSPORT_ERRORS = [
    ReadTimeoutError(endpoint_url=URL),
    ConnectionClosedError(endpoint_url=URL),
    EndpointConnectionError(endpoint_url=URL),
]
# The first documented event of three providers (each a different record).
CASES = [next(c for c in events.CASES if c.provider == p) for p in ("stripe", "paypal", "square")]


def _fail_once(
    monkeypatch, service: str, operation: str, error: Exception, call: int = 1, *, landed: bool
) -> None:
    """Make the ``call``-th call of ``operation`` raise ``error``, before it reaches moto or,
    when ``landed``, after (the request was applied, its answer lost); the others reach moto."""
    client = clients.client(service)
    real = getattr(client, operation)
    seen = {"calls": 0}

    def flaky(**kwargs):
        seen["calls"] += 1
        if seen["calls"] != call:
            return real(**kwargs)
        if landed:
            real(**kwargs)
        raise error

    monkeypatch.setattr(client, operation, flaky)


def _deliver_all(platform) -> None:
    for case in CASES:
        assert platform.deliver(case.provider, case.event_type)["statusCode"] == 200


def _assert_each_stored_once_and_published(platform, *, unmarked: int = 0) -> None:
    assert platform.receive(platform.ingest_url) == []
    assert platform.receive(platform.dlq_url) == []
    items = platform.items()
    keys = sorted((c.transaction_id, c.fact) for c in CASES)
    assert sorted((i["transaction_id"]["S"], i["timestamp"]["S"]) for i in items) == keys
    assert sum("published_at" not in item for item in items) == unmarked
    published = {(n["transaction_id"], n["timestamp"]) for n in platform.notifications("ledger")}
    assert published == set(keys)


@pytest.mark.parametrize("landed", [False, True], ids=["refused", "answer-lost"])
@pytest.mark.parametrize("error", TRANSPORT_ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    ("service", "operation", "call"),
    [
        ("dynamodb", "put_item", 1),  # claiming the PayPal transmission id (screened first)
        ("dynamodb", "put_item", 2),  # storing the first record
        ("dynamodb", "put_item", 4),  # storing the last record
        ("dynamodb", "update_item", 2),  # marking one record published
        ("sns", "publish_batch", 1),
    ],
)
def test_transport_errors_without_a_response_are_retried_until_all_is_stored_once(
    platform, monkeypatch, error, service, operation, call, landed
):
    _deliver_all(platform)
    _fail_once(monkeypatch, service, operation, error, call, landed=landed)
    responses = platform.drain(rounds=5)  # raises if an error escapes the handler
    assert responses[-1] == {"batchItemFailures": []}
    assert len(platform.markers()) == 1  # the PayPal claim, never taken for a replay
    # Lost marker writes are acknowledged anyway (published at least once, never lost): the
    # failed one unless it landed, and the ones after it, not attempted.
    unmarked = len(CASES) - call + 1 - landed if operation == "update_item" else 0
    _assert_each_stored_once_and_published(platform, unmarked=unmarked)


def _records():
    return [
        normalize(
            c.provider,
            events.payload(c.provider, c.event_type),
            received_at="2024-11-27T00:00:01.000000Z",
            correlation_id="req",
        )
        for c in CASES
    ]


@pytest.mark.parametrize(
    ("field", "size", "reason"),
    [
        ("transaction_id", 2049, "transaction_id is 2049 bytes"),
        ("timestamp", 1025, "timestamp is 1025 bytes"),
        ("object_id", 400 * 1024, "over DynamoDB's 409600-byte item limit"),
    ],
)
def test_an_item_over_dynamodb_limits_is_poison_alone(platform, field, size, reason):
    good_a, bad, good_b = _records()
    bad = dataclasses.replace(bad, **{field: "p" * size})
    result = processor.store(platform.table_name, [good_a, bad, good_b])
    assert result.found == {good_a.key: processor.Stored.NEW, good_b.key: processor.Stored.NEW}
    assert reason in result.poison[bad.key]
    assert len(platform.items()) == 2


# Refusals that say nothing about the item itself: it is left out and SQS retries it.
TRANSIENT = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "AccessDeniedException",
]


@pytest.mark.parametrize("code", TRANSIENT)
def test_each_item_meets_its_own_refusal_and_spares_the_others(platform, code):
    records = _records()
    with Stubber(clients.client("dynamodb")) as db:
        db.add_client_error("put_item", "ValidationException", "key too long")
        db.add_client_error("put_item", code)
        db.add_response("put_item", {})
        result = processor.store(platform.table_name, records)
        db.assert_no_pending_responses()
    assert result.found == {records[2].key: processor.Stored.NEW}  # records[1]: retried via SQS
    assert result.poison == {
        records[0].key: "DynamoDB refused the item: ValidationException: key too long"
    }


def test_an_item_left_for_sqs_is_logged_with_its_key(platform, logs):
    # A message SQS later redrives to the DLQ carries no reason: the log ties it to its refusal.
    records = _records()
    with Stubber(clients.client("dynamodb")) as db:
        db.add_client_error("put_item", "AccessDeniedException")
        processor.store(platform.table_name, records[:1])
    (line,) = [entry for entry in logs() if entry["message"] == "item not written"]
    assert (line["error"], line["transaction_id"], line["fact"]) == (
        "AccessDeniedException",
        *records[0].key,
    )


@pytest.mark.parametrize("error", TRANSPORT_ERRORS, ids=lambda e: type(e).__name__)
def test_a_transport_error_leaves_the_rest_of_the_call_for_sqs_without_waiting_on_it(
    platform, monkeypatch, error
):
    # The SDK raises it only after its retries (~15 s each): trying the next items would
    # multiply that past the function's timeout.
    records = _records()
    sent = []

    def unreachable(**kwargs):
        sent.append(kwargs["Item"]["timestamp"]["S"])
        raise error

    monkeypatch.setattr(clients.client("dynamodb"), "put_item", unreachable)
    result = processor.store(platform.table_name, records)
    assert sent == [records[0].timestamp]
    assert result.found == {}
    assert result.poison == {}  # all left out: SQS retries them


def _entry(size: int) -> dict:
    return {"Id": "x", "Message": "m" * size, "MessageAttributes": {}}


def test_publish_batches_respect_the_aggregate_256_kib_limit():
    # moto does not enforce the aggregate limit: the split is asserted directly.
    entries = [_entry(60 * 1024) for _ in range(10)] + [_entry(257 * 1024)] + [_entry(10)] * 12
    chunks, oversized = processor.publish_chunks(entries)
    assert oversized == [10]
    assert sorted(i for chunk in chunks for i in chunk) == [i for i in range(23) if i != 10]
    for chunk in chunks:
        assert len(chunk) <= 10
        assert sum(processor.entry_size(entries[i]) for i in chunk) <= 256 * 1024


def test_an_entry_sns_refuses_as_the_senders_fault_is_poison_alone(platform):
    _deliver_all(platform)
    real = clients.client("sns").publish_batch

    def refuse_first(**kwargs):
        entries = kwargs["PublishBatchRequestEntries"]
        response = real(**{**kwargs, "PublishBatchRequestEntries": entries[1:]})
        failed = {"Id": entries[0]["Id"], "Code": "InvalidParameter", "SenderFault": True}
        return {**response, "Failed": [*response.get("Failed", []), failed]}

    platform.monkeypatch.setattr(clients.client("sns"), "publish_batch", refuse_first)
    responses = platform.drain(rounds=5)
    assert responses[-1] == {"batchItemFailures": []}
    [dead] = platform.take(platform.dlq_url)
    assert dead["MessageAttributes"]["reason"]["StringValue"].startswith(
        "SNS refused the message: InvalidParameter"
    )
    assert len(platform.notifications("ledger")) == 2


@pytest.mark.parametrize("value", ["1e999999999", "1e5000", "NaN", "-Infinity"])
def test_an_absurd_paypal_amount_is_poison_not_retried(platform, value):
    case = CASES[1]  # PayPal: its amounts are decimal strings
    payload = events.payload(case.provider, case.event_type)
    payload["resource"]["amount"]["value"] = value
    body = Envelope("paypal", payload, "2024-11-27T00:00:01.000000Z", "req-1").to_json()
    platform.client("sqs").send_message(QueueUrl=platform.ingest_url, MessageBody=body)
    responses = platform.drain(rounds=3)
    assert responses == [{"batchItemFailures": []}]  # dead-lettered on the first receive
    [dead] = platform.take(platform.dlq_url)
    assert dead["MessageAttributes"]["reason"]["StringValue"]
    assert json.loads(dead["Body"])["payload"]["resource"]["amount"]["value"] == value
    assert platform.items() == []


def test_a_condition_failure_without_the_stored_item_is_retried_not_taken_for_a_replay(
    platform, monkeypatch
):
    # ALL_OLD should carry the stored marker; were it missing (an SDK or emulator answering
    # without it), the claim's digest is unknown: that proves no replay, so the delivery is
    # retried rather than dead-lettered as "first delivered with a body of sha256 None".
    from botocore.exceptions import ClientError

    _deliver_all(platform)
    error = ClientError(
        {"Error": {"Code": "ConditionalCheckFailedException", "Message": "failed"}}, "PutItem"
    )
    _fail_once(monkeypatch, "dynamodb", "put_item", error, 1, landed=True)
    responses = platform.drain(rounds=5)
    assert responses[-1] == {"batchItemFailures": []}
    assert len(platform.markers()) == 1
    _assert_each_stored_once_and_published(platform)


# Deadline checks in one batch of CASES: the PayPal claim (0), three stores (1-3), one
# publish (4), three marks (5-7).
DEADLINE_CHECKS = 8


@pytest.mark.parametrize("checks_in_time", range(DEADLINE_CHECKS + 1))
def test_a_batch_out_of_time_leaves_the_rest_for_sqs_and_loses_nothing(
    platform, monkeypatch, checks_in_time
):
    # Calls that are slow but succeed: the first invocation runs out of time after
    # ``checks_in_time`` calls; the redeliveries have time.
    ticks = iter(range(1_000))
    first = processor.Deadline(at=checks_in_time, clock=lambda: next(ticks))
    deadlines = iter([first])
    monkeypatch.setattr(
        processor.Deadline, "of", classmethod(lambda cls, context: next(deadlines, cls()))
    )
    _deliver_all(platform)
    responses = platform.drain(rounds=5)  # raises if an error escapes the handler
    assert bool(responses[0]["batchItemFailures"]) == (checks_in_time < 5)  # not yet published
    assert responses[-1] == {"batchItemFailures": []}
    assert len(platform.markers()) == 1
    # Published but not marked (out of time while marking) is acknowledged: at least once.
    unmarked = DEADLINE_CHECKS - checks_in_time if checks_in_time >= 5 else 0
    _assert_each_stored_once_and_published(platform, unmarked=unmarked)


@pytest.mark.parametrize(("timeout", "reserve"), [(60, clients.WORST_CALL_SECONDS), (10, 5)])
def test_an_invocation_keeps_one_worst_case_call_in_reserve(timeout, reserve):
    from local.runtime import Context

    deadline = processor.Deadline.of(Context("webhook-processor-qa", timeout_seconds=timeout))
    left = deadline.at - time.monotonic()
    assert timeout - reserve - 1 < left <= timeout - reserve
    assert not deadline.passed()
