"""PayPal transmission ids: a captured signature replayed over another body never reaches the
table or the topic; PayPal's own retries and SQS redeliveries (same id, same body) still do,
once."""

from __future__ import annotations

import json

from . import provider_events as events

EVENT_TYPE = "PAYMENT.CAPTURE.COMPLETED"


def _deliver_genuine(platform) -> tuple[bytes, dict[str, str]]:
    body = events.body_of(events.payload("paypal", EVENT_TYPE))
    headers = platform.pki.headers(body)
    assert platform.post("/paypal", body, headers)["statusCode"] == 200
    return body, headers


def _enqueued(platform) -> list[dict]:
    return [json.loads(m["Body"]) for m in platform.receive(platform.ingest_url)]


def test_a_genuine_delivery_is_stored_published_and_claims_its_transmission_id(platform):
    _, headers = _deliver_genuine(platform)
    platform.drain()
    assert len(platform.items()) == 1
    assert len(platform.notifications("ledger")) == 1
    (marker,) = platform.markers()
    assert headers["PAYPAL-TRANSMISSION-ID"] in marker["transaction_id"]["S"]
    assert platform.receive(platform.dlq_url) == []


def test_the_same_delivery_retried_by_paypal_and_redelivered_by_sqs_is_processed_once(platform):
    body, headers = _deliver_genuine(platform)
    (envelope,) = _enqueued(platform)
    platform.drain()
    assert platform.post("/paypal", body, headers)["statusCode"] == 200  # PayPal's retry
    sqs = platform.client("sqs")
    sqs.send_message(QueueUrl=platform.ingest_url, MessageBody=json.dumps(envelope))  # SQS's
    platform.drain()
    assert platform.receive(platform.ingest_url) == []
    assert platform.receive(platform.dlq_url) == []
    assert len(platform.items()) == 1
    assert len(platform.notifications("ledger")) == 1
    assert len(platform.markers()) == 1


def _forged(envelope: dict) -> dict:
    """What the receiver enqueues for a body with the genuine one's CRC-32 (it then verifies
    under the captured headers): same transmission id, another amount."""
    forged = json.loads(json.dumps(envelope))
    forged["payload"]["resource"]["amount"]["value"] = "99999.00"
    return forged


def test_another_body_under_a_seen_transmission_id_is_dead_lettered_not_stored(platform):
    _deliver_genuine(platform)
    (envelope,) = _enqueued(platform)
    platform.drain()
    stored = platform.items()
    platform.notifications("ledger")
    platform.client("sqs").send_message(
        QueueUrl=platform.ingest_url, MessageBody=json.dumps(_forged(envelope))
    )
    responses = platform.drain()
    assert responses[-1] == {"batchItemFailures": []}
    assert platform.items() == stored
    assert platform.notifications("ledger") == []
    (letter,) = platform.take(platform.dlq_url)
    reason = letter["MessageAttributes"]["reason"]["StringValue"]
    assert "paypal-transmission-id" in reason
    assert "another body" in reason


def test_two_bodies_under_one_transmission_id_in_one_batch_store_only_one(platform):
    _deliver_genuine(platform)
    (envelope,) = _enqueued(platform)
    platform.client("sqs").send_message(
        QueueUrl=platform.ingest_url, MessageBody=json.dumps(_forged(envelope))
    )
    platform.drain()
    assert len(platform.items()) == 1
    assert len(platform.notifications("ledger")) == 1
    assert len(platform.take(platform.dlq_url)) == 1
