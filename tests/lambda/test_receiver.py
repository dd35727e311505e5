"""The receiver's refusals enqueue nothing; secrets are cached, rotated and fail closed."""

from __future__ import annotations

import json
import logging
from unittest import mock

import pytest
from botocore.stub import Stubber

from webhook_processor import clients

from . import provider_events as events
from .conftest import PARAMETERS


def _assert_nothing_enqueued(platform):
    assert platform.receive(platform.ingest_url) == []
    assert platform.receive(platform.dlq_url) == []


def _stripe_delivery():
    body = events.body_of(events.stripe_payload("payment_intent.succeeded"))
    return body, events.stripe_headers(body)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (events.stripe_headers(b"{}", secret="whsec_wrong"), "bad_signature"),
        ({}, "missing_header"),
        ({"Stripe-Signature": "garbage"}, "malformed_header"),
        (events.stripe_headers(b"{}", at=1_000_000_000), "stale_timestamp"),
    ],
)
def test_invalid_signatures_get_a_generic_401_and_the_reason_is_logged(
    platform, logs, headers, reason
):
    body = b"{}"
    response = platform.post("/stripe", body, headers)
    assert response["statusCode"] == 401
    assert json.loads(response["body"]) == {"message": "unauthorized"}
    [rejection] = [entry for entry in logs() if entry["message"] == "signature rejected"]
    assert rejection["reason"] == reason
    assert rejection["correlation_id"]
    _assert_nothing_enqueued(platform)


def test_a_stale_but_authentic_stripe_delivery_is_refused(platform, logs):
    body = b'{"id": "evt_1"}'
    response = platform.post("/stripe", body, events.stripe_headers(body, at=1_000_000_000))
    assert response["statusCode"] == 401
    assert "stale_timestamp" in logs.text()
    _assert_nothing_enqueued(platform)


def test_a_tampered_body_is_refused(platform):
    body, headers = _stripe_delivery()
    assert platform.post("/stripe", body.replace(b"2000", b"9000"), headers)["statusCode"] == 401
    _assert_nothing_enqueued(platform)


@pytest.mark.parametrize("path", ["/", "/standardwebhooks", "/stripe/extra", "/unknown"])
def test_unknown_paths_are_404(platform, path):
    body, headers = _stripe_delivery()
    assert platform.post(path, body, headers)["statusCode"] == 404
    _assert_nothing_enqueued(platform)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_wrong_methods_are_405(platform, method):
    body, headers = _stripe_delivery()
    response = platform.post("/stripe", body, headers, method=method)
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "POST"
    _assert_nothing_enqueued(platform)


def test_bodies_over_the_limit_are_413(platform, monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "1024")
    body = json.dumps({"pad": "x" * 1024}).encode()
    assert platform.post("/stripe", body, events.stripe_headers(body))["statusCode"] == 413
    small = b'{"pad": "x"}'
    assert platform.post("/stripe", small, events.stripe_headers(small))["statusCode"] == 200
    assert len(platform.take(platform.ingest_url)) == 1
    default = json.dumps({"pad": "x" * 256 * 1024}).encode()
    monkeypatch.delenv("MAX_BODY_BYTES")
    assert platform.post("/stripe", default, events.stripe_headers(default))["statusCode"] == 413
    _assert_nothing_enqueued(platform)


def test_an_undecodable_base64_body_is_400(platform):
    body, headers = _stripe_delivery()
    with mock.patch("base64.b64encode", return_value=b"%%%not-base64"):
        response = platform.post("/stripe", body, headers, base64_encoded=True)
    assert response["statusCode"] == 400
    _assert_nothing_enqueued(platform)


@pytest.mark.parametrize("provider", ["stripe", "square", "paypal"])
def test_an_unset_placeholder_fails_closed_with_503(platform, logs, provider):
    variable = next(v for v, (name, _) in PARAMETERS.items() if f"/{provider}/" in name)
    platform.client("ssm").put_parameter(
        Name=PARAMETERS[variable][0], Value="UNSET: set me", Type="SecureString", Overwrite=True
    )
    body = events.body_of(events.payload(provider, "customer.created"))
    response = platform.post(f"/{provider}", body, platform.signed(provider, body))
    assert response["statusCode"] == 503
    assert "UNSET: placeholder" in logs.text()
    _assert_nothing_enqueued(platform)


@pytest.mark.parametrize(("switch", "status"), [("false", 200), ("true", 200), ("maybe", 503)])
def test_the_paypal_sandbox_switch_reaches_the_verifier(
    platform, logs, monkeypatch, switch, status
):
    # The live certificate still verifies with sandbox on (it only adds hosts); a value the
    # library refuses proves the switch is passed through, and fails closed.
    monkeypatch.setenv("PAYPAL_SANDBOX", switch)
    body = events.body_of(events.payload("paypal", "PAYMENT.CAPTURE.COMPLETED"))
    response = platform.post("/paypal", body, platform.signed("paypal", body))
    assert response["statusCode"] == status
    if status == 503:
        assert "sandbox" in logs.text()
        _assert_nothing_enqueued(platform)


def test_a_missing_parameter_fails_closed_with_503(platform, logs):
    platform.client("ssm").delete_parameter(Name=PARAMETERS["STRIPE_SIGNING_SECRET_PARAM"][0])
    body, headers = _stripe_delivery()
    assert platform.post("/stripe", body, headers)["statusCode"] == 503
    assert "ParameterNotFound" in logs.text()
    _assert_nothing_enqueued(platform)


def test_a_missing_queue_variable_fails_closed_with_503(platform, monkeypatch):
    monkeypatch.delenv("INGEST_QUEUE_URL")
    body, headers = _stripe_delivery()
    assert platform.post("/stripe", body, headers)["statusCode"] == 503
    _assert_nothing_enqueued(platform)


def test_an_enqueue_failure_is_a_5xx_so_the_provider_retries(platform):
    body, headers = _stripe_delivery()
    assert platform.post("/stripe", body, headers)["statusCode"] == 200  # warm: secret cached
    platform.take(platform.ingest_url)
    with Stubber(clients.client("sqs")) as stub:
        stub.add_client_error("send_message", "ServiceUnavailable", http_status_code=503)
        assert platform.post("/stripe", body, headers)["statusCode"] == 503
    _assert_nothing_enqueued(platform)


def _count_ssm_calls(platform):
    calls = []
    clients.client("ssm").meta.events.register(
        "provide-client-params.ssm.GetParameter", lambda **kw: calls.append(kw["params"]["Name"])
    )
    return calls


def test_secrets_are_cached_and_a_rotation_takes_effect_without_a_deploy(platform):
    body, headers = _stripe_delivery()
    ssm_calls = _count_ssm_calls(platform)
    for _ in range(3):
        assert platform.post("/stripe", body, headers)["statusCode"] == 200
    assert len(ssm_calls) == 1  # warm requests read the cache

    rotated = "whsec_rotated_0123456789abcdef"
    platform.client("ssm").put_parameter(
        Name=PARAMETERS["STRIPE_SIGNING_SECRET_PARAM"][0],
        Value=rotated,
        Type="SecureString",
        Overwrite=True,
    )
    new_headers = events.stripe_headers(body, secret=rotated)
    assert platform.post("/stripe", body, new_headers)["statusCode"] == 200
    assert len(ssm_calls) == 2  # one forced re-read after the failed verification

    forged = events.stripe_headers(body, secret="whsec_forged")
    for _ in range(5):
        assert platform.post("/stripe", body, forged)["statusCode"] == 401
    assert len(ssm_calls) == 2  # forged requests cannot force re-reads within the interval


def test_no_secret_reaches_any_log_line_at_debug(platform, logs, caplog, capsys):
    """Lambda sets the root logger from the function's log level: DEBUG is an allowed value."""
    caplog.set_level(logging.DEBUG)
    for case in (events.CASES[0], events.CASES[4], events.CASES[7]):  # Stripe, PayPal, Square
        assert platform.deliver(case.provider, case.event_type)["statusCode"] == 200
    assert caplog.records, "nothing was logged: the test would prove nothing"
    written = [record.getMessage() for record in caplog.records]
    written += [logs.text(), capsys.readouterr().out]
    for _name, secret in PARAMETERS.values():
        if secret.startswith("https://"):  # the notification URL is configuration, not a secret
            continue
        assert not [line for line in written if secret in line], secret
