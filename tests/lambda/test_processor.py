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


PUT = {
    "TableName": ANY,
    "Item": ANY,
    "ConditionExpression": "attribute_not_exists(transaction_id)",
    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
}
MARK = {
    "TableName": ANY,
    "Key": ANY,
    "UpdateExpression": "SET published_at = if_not_exists(published_at, :now)",
    "ConditionExpression": "attribute_exists(transaction_id)",
    "ExpressionAttributeValues": ANY,
}
PUBLISHED_ITEM = {"transaction_id": {"S": "x"}, processor.PUBLISHED: {"S": "2024-11-27"}}
UNPUBLISHED_ITEM = {"transaction_id": {"S": "y"}}


def _stored_already(db: Stubber, item: dict) -> None:
    """A put whose condition fails: the error carries the stored item (ALL_OLD)."""
    db.add_client_error(
        "put_item", "ConditionalCheckFailedException", expected_params=PUT,
        modeled_fields={"Item": item},
    )  # fmt: skip


def _published(*ids: int) -> dict:
    return {"Successful": [{"Id": str(i), "MessageId": f"m{i}"} for i in ids]}


def test_only_the_items_dynamodb_refused_are_retried(platform):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        _stored_already(db, UNPUBLISHED_ITEM)  # stored earlier, its publish failed
        db.add_client_error("put_item", "ProvisionedThroughputExceededException")
        db.add_response("put_item", {}, PUT)
        topic.add_response(
            "publish_batch", _published(0, 1),
            {"TopicArn": ANY, "PublishBatchRequestEntries": [ANY, ANY]},
        )  # fmt: skip
        db.add_response("update_item", {}, MARK)
        db.add_response("update_item", {}, MARK)
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
        db.assert_no_pending_responses()
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}


def test_only_the_entries_sns_refused_are_retried(platform):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        for _ in messages:
            db.add_response("put_item", {}, PUT)
        topic.add_response(
            "publish_batch",
            {
                "Successful": [{"Id": "0", "MessageId": "m0"}, {"Id": "2", "MessageId": "m2"}],
                "Failed": [{"Id": "1", "Code": "KMSThrottling", "SenderFault": False}],
            },
        )
        db.add_response("update_item", {}, MARK)  # only what was published
        db.add_response("update_item", {}, MARK)
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
        db.assert_no_pending_responses()
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}


def test_only_stored_records_never_published_are_published_again(platform):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        _stored_already(db, PUBLISHED_ITEM)  # stored, published: a replay
        _stored_already(db, UNPUBLISHED_ITEM)  # stored, its publish failed: repaired now
        db.add_response("put_item", {}, PUT)
        topic.add_response(
            "publish_batch", _published(0, 1),
            {"TopicArn": ANY, "PublishBatchRequestEntries": [ANY, ANY]},
        )  # fmt: skip
        db.add_response("update_item", {}, MARK)
        db.add_response("update_item", {}, MARK)
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
        db.assert_no_pending_responses()
    assert response == {"batchItemFailures": []}


def test_a_failed_marker_write_still_acknowledges_what_was_published(platform, logs):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        for _ in messages:
            db.add_response("put_item", {}, PUT)
        topic.add_response("publish_batch", _published(0, 1, 2))
        db.add_response("update_item", {}, MARK)
        db.add_client_error("update_item", "ProvisionedThroughputExceededException")
        db.add_response("update_item", {}, MARK)
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
        db.assert_no_pending_responses()
    assert response == {"batchItemFailures": []}  # retrying would publish a second time anyway
    warnings = [line["message"] for line in logs() if line["level"] == "WARNING"]
    assert warnings.count("published but not marked: a redelivery would publish it again") == 1


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException"])
def test_a_failed_write_returns_the_whole_batch_without_publishing(platform, code):
    messages = _envelopes()
    with Stubber(clients.client("dynamodb")) as db, Stubber(clients.client("sns")) as topic:
        for _ in messages:
            db.add_client_error("put_item", code)
        response = processor.handler(_event(messages), LambdaContext("webhook-processor-qa"))
        db.assert_no_pending_responses()
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
