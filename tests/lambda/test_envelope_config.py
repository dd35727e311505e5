"""The receiver->processor envelope and the environment settings (pure, no AWS)."""

from __future__ import annotations

import json

import pytest

from webhook_processor.config import ProcessorConfig, ReceiverConfig
from webhook_processor.envelope import Envelope
from webhook_processor.exceptions import ConfigurationError, PoisonMessageError

ENVELOPE = Envelope(
    provider="stripe",
    payload={"id": "evt_1", "data": {"object": {"amount": 2000}}},
    received_at="2024-11-27T00:00:00.000000Z",
    correlation_id="9f1c5b1e-req",
    headers={"content-type": "application/json"},
)


def test_envelope_round_trips():
    assert Envelope.from_json(ENVELOPE.to_json()) == ENVELOPE


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "envelope is not JSON"),
        ("[]", "not a version-1 object"),
        (json.dumps({**json.loads(ENVELOPE.to_json()), "version": 2}), "not a version-1 object"),
        (json.dumps({**json.loads(ENVELOPE.to_json()), "provider": ""}), "lacks one of provider"),
        (json.dumps({**json.loads(ENVELOPE.to_json()), "headers": {"a": 1}}), "headers"),
        (json.dumps({k: v for k, v in json.loads(ENVELOPE.to_json()).items() if k != "payload"}),
         "no payload"),
    ],
)  # fmt: skip
def test_malformed_envelopes_are_poison(body, message):
    with pytest.raises(PoisonMessageError, match=message):
        Envelope.from_json(body)


RECEIVER_ENV = {
    "INGEST_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/webhook-events-dev",
    "DLQ_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/webhook-dlq-dev",
    "STRIPE_SIGNING_SECRET_PARAM": "/payment-webhooks/dev/stripe/signing-secret",
    "SQUARE_SIGNATURE_KEY_PARAM": "/payment-webhooks/dev/square/signature-key",
    "SQUARE_NOTIFICATION_URL_PARAM": "/payment-webhooks/dev/square/notification-url",
    "PAYPAL_WEBHOOK_ID_PARAM": "/payment-webhooks/dev/paypal/webhook-id",
}


def test_receiver_config_maps_providers_to_their_parameters():
    config = ReceiverConfig.from_env(RECEIVER_ENV)
    assert config.parameters == {
        "stripe": {"secret": "/payment-webhooks/dev/stripe/signing-secret"},
        "square": {
            "signature_key": "/payment-webhooks/dev/square/signature-key",
            "notification_url": "/payment-webhooks/dev/square/notification-url",
        },
        "paypal": {"webhook_id": "/payment-webhooks/dev/paypal/webhook-id"},
    }
    assert (config.max_body_bytes, config.secret_ttl_seconds) == (262144, 300)


def test_paypal_api_credentials_are_optional_parameters_and_read_when_named():
    """PayPal stays routable on its webhook id alone (local verification); the REST app
    credentials are read beside it when the stack names their parameters."""
    assert ReceiverConfig.from_env(RECEIVER_ENV).parameters["paypal"] == {
        "webhook_id": "/payment-webhooks/dev/paypal/webhook-id"
    }
    env = {
        **RECEIVER_ENV,
        "PAYPAL_CLIENT_ID_PARAM": "/payment-webhooks/dev/paypal/client-id",
        "PAYPAL_CLIENT_SECRET_PARAM": "/payment-webhooks/dev/paypal/client-secret",
        "PAYPAL_VERIFICATION": "auto",
    }
    config = ReceiverConfig.from_env(env)
    assert config.parameters["paypal"] == {
        "webhook_id": "/payment-webhooks/dev/paypal/webhook-id",
        "client_id": "/payment-webhooks/dev/paypal/client-id",
        "client_secret": "/payment-webhooks/dev/paypal/client-secret",
    }
    assert config.options["paypal"] == {"verification": "auto"}
    without_id = {k: v for k, v in env.items() if k != "PAYPAL_WEBHOOK_ID_PARAM"}
    assert "paypal" not in ReceiverConfig.from_env(without_id).parameters


def test_a_provider_without_all_its_parameters_is_not_routable():
    env = {k: v for k, v in RECEIVER_ENV.items() if k != "SQUARE_NOTIFICATION_URL_PARAM"}
    assert set(ReceiverConfig.from_env(env).parameters) == {"stripe", "paypal"}


def test_limits_are_configurable_and_validated():
    config = ReceiverConfig.from_env({**RECEIVER_ENV, "MAX_BODY_BYTES": "1024"})
    assert config.max_body_bytes == 1024
    with pytest.raises(ConfigurationError, match="MAX_BODY_BYTES must be a positive integer"):
        ReceiverConfig.from_env({**RECEIVER_ENV, "MAX_BODY_BYTES": "-1"})


@pytest.mark.parametrize("missing", ["INGEST_QUEUE_URL", "DLQ_URL"])
def test_receiver_config_requires_its_queues(missing):
    env = {k: v for k, v in RECEIVER_ENV.items() if k != missing}
    with pytest.raises(ConfigurationError, match=f"{missing} is not set"):
        ReceiverConfig.from_env(env)


@pytest.mark.parametrize("missing", ["TABLE_NAME", "TOPIC_ARN", "DLQ_URL"])
def test_processor_config_requires_its_resources(missing):
    env = {"TABLE_NAME": "t", "TOPIC_ARN": "arn:aws:sns:us-east-1:1:t", "DLQ_URL": "u"}
    del env[missing]
    with pytest.raises(ConfigurationError, match=f"{missing} is not set"):
        ProcessorConfig.from_env(env)
