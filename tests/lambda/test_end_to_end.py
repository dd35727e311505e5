"""Receiver -> ingest queue -> processor -> table + topic, in moto, per provider and status."""

from __future__ import annotations

import json
import re

import pytest

from webhook_processor.processor import PUBLISHED
from webhook_processor.scrub import REDACTED

from . import provider_events as events
from .provider_events import CASES
from .test_normalize import OPTIONAL_FIELDS, RECORD_FIELDS


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.provider}-{c.event_type}")
def test_a_signed_delivery_becomes_one_record_and_one_notification(platform, case):
    response = platform.deliver(case.provider, case.event_type)
    assert response["statusCode"] == 200, response

    [batch] = platform.drain()
    assert batch == {"batchItemFailures": []}

    [item] = platform.items()
    assert item["transaction_id"] == {"S": case.transaction_id}
    assert item["status"] == {"S": case.status}
    assert item["amount"] == {"N": str(case.amount)}
    assert item["currency"] == {"S": case.currency}
    assert item["timestamp"] == {"S": case.fact}
    assert item["lifecycle"] == {"S": case.lifecycle}
    # The row is the record plus when it was published: bookkeeping, not provider data.
    assert RECORD_FIELDS | {PUBLISHED} <= set(item) <= RECORD_FIELDS | OPTIONAL_FIELDS | {PUBLISHED}
    [ledger] = platform.notifications("ledger")
    # Every stored field is published except the marker, which is written after the publish.
    record = {
        name: int(value["N"]) if "N" in value else value["S"]
        for name, value in item.items()
        if name != PUBLISHED
    }
    assert ledger == record
    assert item[PUBLISHED]["S"] >= item["received_at"]["S"]
    disputes = platform.notifications("disputes")
    assert len(disputes) == (1 if case.status == "disputed" else 0)
    assert platform.receive(platform.dlq_url) == []


def test_the_envelope_carries_what_the_processor_needs_and_no_signature(platform):
    body = events.body_of(events.paypal_payload("PAYMENT.CAPTURE.COMPLETED"))
    headers = platform.pki.headers(body)
    assert platform.post("/paypal", body, headers)["statusCode"] == 200
    [message] = platform.receive(platform.ingest_url)
    envelope = json.loads(message["Body"])
    assert envelope["provider"] == "paypal"
    assert envelope["payload"] == json.loads(body)
    assert envelope["headers"] == {
        "content-type": "application/json",
        "paypal-transmission-id": headers["PAYPAL-TRANSMISSION-ID"],
        "paypal-transmission-time": headers["PAYPAL-TRANSMISSION-TIME"],
    }
    assert headers["PAYPAL-TRANSMISSION-SIG"] not in message["Body"]
    assert events.PAYPAL_WEBHOOK_ID not in message["Body"]


def test_base64_bodies_are_decoded_before_verification(platform):
    body = events.body_of(events.stripe_payload("payment_intent.succeeded"))
    response = platform.post("/stripe", body, events.stripe_headers(body), base64_encoded=True)
    assert response["statusCode"] == 200
    platform.drain()
    assert len(platform.items()) == 1


def test_ignored_event_types_are_acknowledged_and_not_stored(platform):
    assert platform.deliver("stripe", "customer.created")["statusCode"] == 200
    assert platform.deliver("square", "customer.created")["statusCode"] == 200
    [batch] = platform.drain()
    assert batch == {"batchItemFailures": []}
    assert platform.items() == []
    assert platform.notifications("ledger") == []
    assert platform.receive(platform.ingest_url) == []


def test_duplicates_are_stored_once_and_published_once(platform):
    for _ in range(2):  # the provider retried: both deliveries land in one batch
        assert platform.deliver("square", "payment.updated")["statusCode"] == 200
    platform.drain()
    assert len(platform.items()) == 1
    assert len(platform.notifications("ledger")) == 1

    assert platform.deliver("square", "payment.updated")["statusCode"] == 200  # a later retry
    [batch] = platform.drain()
    assert batch == {"batchItemFailures": []}  # acknowledged...
    assert len(platform.items()) == 1
    assert platform.notifications("ledger") == []  # ...and not published again


def test_a_replayed_square_delivery_reaches_no_subscriber_again(platform):
    """Square signs no timestamp, so a captured delivery verifies forever: the processor, not
    the receiver, has to stop replays from reaching subscribers."""
    body = events.body_of(events.square_payload("dispute.created"))
    headers = events.square_headers(body)
    assert platform.post("/square", body, headers)["statusCode"] == 200
    platform.drain()
    [row] = platform.items()
    assert len(platform.notifications("disputes")) == 1
    for _ in range(3):  # the same captured bytes and signature, replayed
        assert platform.post("/square", body, headers)["statusCode"] == 200
        assert platform.drain() == [{"batchItemFailures": []}]
    assert platform.items() == [row]  # not even the publish marker moved
    assert platform.notifications("disputes") == []
    assert len(platform.notifications("ledger")) == 1  # the first delivery's only


def test_a_failed_publish_is_repaired_by_the_retry_without_a_second_row(platform, monkeypatch):
    assert platform.deliver("stripe", "charge.refunded")["statusCode"] == 200
    monkeypatch.setenv("TOPIC_ARN", platform.topic_arn + "-deleted")
    [failed] = platform.drain(rounds=1)
    assert len(failed["batchItemFailures"]) == 1
    [stored] = platform.items()  # stored before the publish failed, and not marked published
    assert PUBLISHED not in stored
    assert platform.notifications("ledger") == []

    monkeypatch.setenv("TOPIC_ARN", platform.topic_arn)
    [retried] = platform.drain()
    assert retried == {"batchItemFailures": []}
    assert len(platform.items()) == 1
    [notification] = platform.notifications("ledger")
    assert notification["status"] == "refunded"
    assert platform.receive(platform.ingest_url) == []

    assert platform.deliver("stripe", "charge.refunded")["statusCode"] == 200  # once repaired,
    assert platform.drain() == [{"batchItemFailures": []}]  # a redelivery is acknowledged
    assert platform.notifications("ledger") == []  # without a third attempt at publishing


def test_a_batch_mixing_new_duplicate_and_ignored_events(platform):
    platform.deliver("stripe", "payment_intent.succeeded")
    platform.drain()
    platform.notifications("ledger")
    for provider, event_type in [
        ("stripe", "payment_intent.succeeded"),  # duplicate of a published record
        ("stripe", "charge.dispute.created"),  # new
        ("paypal", "PAYMENT.CAPTURE.DENIED"),  # ignored
        ("square", "refund.created"),  # new
    ]:
        assert platform.deliver(provider, event_type)["statusCode"] == 200
    [batch] = platform.drain()
    assert batch == {"batchItemFailures": []}
    assert len(platform.items()) == 3
    published = sorted(n["event_type"] for n in platform.notifications("ledger"))
    assert published == ["charge.dispute.created", "refund.created"]  # not the duplicate again


def test_a_poison_message_goes_straight_to_the_dlq_with_its_reason(platform):
    sqs = platform.client("sqs")
    sqs.send_message(QueueUrl=platform.ingest_url, MessageBody='{"version": 1, "provider": "x"}')
    platform.deliver("square", "dispute.created")
    [batch] = platform.drain()
    assert batch == {"batchItemFailures": []}  # acknowledged, not retried
    [dead] = platform.take(platform.dlq_url)
    assert dead["Body"] == '{"version": 1, "provider": "x"}'
    assert dead["MessageAttributes"]["reason"]["StringValue"].startswith("envelope lacks one of")
    assert len(platform.items()) == 1  # the good message in the same batch was stored


def test_a_verified_body_that_is_not_json_goes_to_the_dlq_and_is_scrubbed(platform):
    body = b"card=4242424242424242&amount=2000"
    response = platform.post("/stripe", body, events.stripe_headers(body))
    assert response["statusCode"] == 200  # accepted: retrying cannot make it JSON
    assert platform.receive(platform.ingest_url) == []
    [dead] = platform.take(platform.dlq_url)
    assert json.loads(dead["Body"])["body"] == f"card={REDACTED}&amount=2000"
    assert "not usable JSON" in dead["MessageAttributes"]["reason"]["StringValue"]


# Characters SQS refuses in a message body (moto accepts them, AWS does not): see
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
SQS_REFUSED = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@pytest.mark.parametrize("body", [b"", b"\x00", b"a\x01b", "\ufffe".encode(), b"x" * 300_000])
def test_a_verified_body_sqs_could_not_carry_is_dead_lettered_in_a_form_it_can(platform, body):
    platform.monkeypatch.setenv("MAX_BODY_BYTES", str(512 * 1024))
    response = platform.post("/stripe", body, events.stripe_headers(body), base64_encoded=True)
    assert response["statusCode"] == 200
    [dead] = platform.take(platform.dlq_url)
    assert dead["Body"]
    assert not SQS_REFUSED.search(dead["Body"])
    assert len(dead["Body"].encode()) < 256 * 1024
    kept = json.loads(dead["Body"])["body"]
    assert body.decode("utf-8", errors="replace").startswith(kept)


def test_a_message_that_keeps_failing_reaches_the_dlq_after_max_receive_count(platform):
    from .conftest import MAX_RECEIVE_COUNT

    platform.deliver("paypal", "CUSTOMER.DISPUTE.CREATED")
    platform.client("dynamodb").delete_table(TableName=platform.table_name)
    responses = platform.drain(rounds=MAX_RECEIVE_COUNT + 1)
    assert [len(r["batchItemFailures"]) for r in responses] == [1] * MAX_RECEIVE_COUNT
    assert platform.receive(platform.ingest_url) == []
    [dead] = platform.take(platform.dlq_url)
    assert json.loads(dead["Body"])["payload"]["event_type"] == "CUSTOMER.DISPUTE.CREATED"


def _adyen_batch(*items: dict) -> bytes:
    return events.body_of(
        {"live": "false", "notificationItems": [{"NotificationRequestItem": i} for i in items]}
    )


def test_an_adyen_batch_becomes_one_record_per_item_and_is_answered_accepted(platform):
    body = _adyen_batch(events.adyen_item("AUTHORISATION"), events.adyen_item("REFUND"))
    response = platform.post("/adyen", body, {"content-type": "application/json"})
    assert (response["statusCode"], response["body"]) == (200, "[accepted]")
    assert len(platform.receive(platform.ingest_url)) == 2
    assert platform.drain() == [{"batchItemFailures": []}]
    assert sorted(item["lifecycle"]["S"] for item in platform.items()) == [
        "payment_authorised",
        "refund_succeeded",
    ]


def test_an_adyen_batch_with_one_forged_item_is_refused_whole(platform):
    forged = events.adyen_item("REFUND")
    forged["amount"]["value"] = 999_999  # changed after signing
    body = _adyen_batch(events.adyen_item("AUTHORISATION"), forged)
    response = platform.post("/adyen", body, {"content-type": "application/json"})
    assert response["statusCode"] == 401
    assert platform.receive(platform.ingest_url) == []


def test_two_reports_of_one_capture_are_stored_and_published_once(platform):
    for event_type in ("payment_intent.succeeded", "charge.succeeded", "charge.captured"):
        assert platform.deliver("stripe", event_type)["statusCode"] == 200
    assert platform.drain() == [{"batchItemFailures": []}]
    [item] = platform.items()
    assert item["timestamp"] == {"S": "capture#pi_3MtwBwLkdIwHu7ix28a3tqPa"}
    assert len(platform.notifications("ledger")) == 1


def test_two_partial_refunds_published_sum_to_what_was_refunded(platform):
    """A consumer summing ``amount`` over the published refunds gets the refunded total."""
    from .test_normalize import _charge_refunded

    for event in (
        _charge_refunded(500, [(1, 500)]),
        _charge_refunded(1200, [(2, 700), (1, 500)]),
        _charge_refunded(500, [(1, 500)]),  # Stripe retried the first
    ):
        body = events.body_of(event)
        assert platform.post("/stripe", body, events.stripe_headers(body))["statusCode"] == 200
    platform.drain()
    refunds = [n for n in platform.notifications("ledger") if n["status"] == "refunded"]
    assert sum(n["amount"] for n in refunds) == 1200
