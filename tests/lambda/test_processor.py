"""The processor's per-item outcomes when DynamoDB or SNS fail part of a batch."""

from __future__ import annotations

import pytest
from botocore.stub import ANY, Stubber

from webhook_processor import clients, processor
from webhook_processor.envelope import Envelope

from . import provider_events as events
from .conftest import LambdaContext

# Three distinct facts of one Square payment.
CASES = [
    c
    for c in events.CASES
    if c.provider == "square"
    and c.event_type in {"payment.updated", "refund.created", "dispute.created"}
]


def _envelopes() -> list[tuple[str, str]]:
    return [
        (
            f"msg-{index}",
            Envelope(
                provider=case.provider,
                payload=events.payload(case.provider, case.event_type),
                received_at="2024-11-27T00:00:01.000000Z",
                correlation_id=f"req-{index}",
            ).to_json(),
        )
        for index, case in enumerate(CASES)
    ]


def _event(messages: list[tuple[str, str]]) -> dict:
    return {
        "Records": [
            {"messageId": message_id, "receiptHandle": "rh", "body": body, "attributes": {},
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
             "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:webhook-events-qa",
             "awsRegion": "us-east-1"}
            for message_id, body in messages
        ]
    }  # fmt: skip


def _reasons(*codes: str, items: dict[int, dict] | None = None) -> dict:
    """Cancellation reasons; ``items`` gives the stored item (ALL_OLD) by position."""
    return {
        "CancellationReasons": [
            {"Code": code, **({"Item": (items or {})[i]} if i in (items or {}) else {})}
            for i, code in enumerate(codes)
        ]
    }


def _marks(count: int) -> dict:
    """The expected parameters of the marker transaction: ``count`` updates."""
    return {"TransactItems": [{"Update": ANY}] * count}


def test_only_the_items_dynamodb_refused_are_retried(platform):
    messages = _envelopes()
    dynamodb, sns = clients.client("dynamodb"), clients.client("sns")
    with Stubber(dynamodb) as db, Stubber(sns) as topic:
        db.add_client_error(
            "transact_write_items",
            "TransactionCanceledException",
            modeled_fields=_reasons("ConditionalCheckFailed", "TransactionConflict", "None"),
        )
        # The second attempt carries only the item that was merely cancelled alongside.
        db.add_response(
            "transact_write_items",
            {},
            {"TransactItems": [{"Put": ANY}]},
        )
        topic.add_response(
            "publish_batch",
            {"Successful": [{"Id": "0", "MessageId": "m0"}, {"Id": "1", "MessageId": "m1"}]},
        )
        db.add_response("transact_write_items", {}, _marks(2))
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}


def test_only_the_entries_sns_refused_are_retried(platform):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        db.add_response("transact_write_items", {})
        topic.add_response(
            "publish_batch",
            {
                "Successful": [{"Id": "0", "MessageId": "m0"}, {"Id": "2", "MessageId": "m2"}],
                "Failed": [{"Id": "1", "Code": "KMSThrottling", "SenderFault": False}],
            },
        )
        db.add_response("transact_write_items", {}, _marks(2))  # only what was published
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}


def test_only_stored_records_never_published_are_published_again(platform):
    messages = _envelopes()
    published_item = {"transaction_id": {"S": "x"}, processor.PUBLISHED: {"S": "2024-11-27"}}
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        db.add_client_error(
            "transact_write_items",
            "TransactionCanceledException",
            modeled_fields=_reasons(
                "ConditionalCheckFailed",  # stored, published: a replay
                "ConditionalCheckFailed",  # stored, its publish failed: repaired now
                "None",
                items={0: published_item, 1: {"transaction_id": {"S": "y"}}},
            ),
        )
        db.add_response("transact_write_items", {}, {"TransactItems": [{"Put": ANY}]})
        topic.add_response(
            "publish_batch",
            {"Successful": [{"Id": "0", "MessageId": "m1"}, {"Id": "1", "MessageId": "m2"}]},
            {"TopicArn": ANY, "PublishBatchRequestEntries": [ANY, ANY]},
        )
        db.add_response("transact_write_items", {}, _marks(2))
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
    assert response == {"batchItemFailures": []}


def test_a_failed_marker_write_still_acknowledges_what_was_published(platform, logs):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        db.add_response("transact_write_items", {})
        topic.add_response(
            "publish_batch",
            {"Successful": [{"Id": str(i), "MessageId": f"m{i}"} for i in range(3)]},
        )
        db.add_client_error("transact_write_items", "ProvisionedThroughputExceededException")
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
    assert response == {"batchItemFailures": []}  # retrying would publish a second time anyway
    warnings = [line["message"] for line in logs() if line["level"] == "WARNING"]
    assert warnings.count("published but not marked: a redelivery would publish it again") == 3


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException"])
def test_a_failed_write_returns_the_whole_batch_without_publishing(platform, code):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        db.add_client_error("transact_write_items", code)
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
        topic.assert_no_pending_responses()
    assert sorted(f["itemIdentifier"] for f in response["batchItemFailures"]) == [
        "msg-0",
        "msg-1",
        "msg-2",
    ]


def test_records_carry_the_envelope_correlation_id(platform):
    messages = _envelopes()
    processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
    published = platform.notifications("ledger")
    assert sorted(n["correlation_id"] for n in published) == ["req-0", "req-1", "req-2"]


def test_an_unexpected_normalisation_error_dead_letters_only_its_own_message(platform, monkeypatch):
    messages = _envelopes()
    real = processor.normalize

    def flaky(provider, payload, **kwargs):
        if payload.get("type") == CASES[1].event_type:
            raise RuntimeError
        return real(provider, payload, **kwargs)

    monkeypatch.setattr(processor, "normalize", flaky)
    response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
    assert response == {"batchItemFailures": []}  # retrying a deterministic failure cannot help
    assert len(platform.items()) == 2
    (dead,) = platform.take(platform.dlq_url)
    assert dead["MessageAttributes"]["reason"]["StringValue"].startswith(
        "normalisation failed: RuntimeError"
    )
