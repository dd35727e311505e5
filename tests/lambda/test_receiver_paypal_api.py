"""The receiver with PayPal's verify-webhook-signature API: credentials from SSM switch it on,
PayPal's answer decides 200 or 401, no answer is a 503 PayPal retries, and nothing secret is
logged. PayPal is the fake on loopback (signatures/fake_paypal_api.py); the receiver's own
transport code runs, only the host it reaches is rewritten."""

from __future__ import annotations

import base64
import logging
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from webhook_processor.signatures.paypal import LIVE_API_BASE, no_redirect_opener

from .conftest import SUFFIX
from .signatures.fake_paypal_api import CLIENT_ID, CLIENT_SECRET, FakePayPalApi, serving

_build_opener = urllib.request.build_opener  # before the platform replaces it for the certs
EVENT_TYPE = "PAYMENT.CAPTURE.COMPLETED"
PARAMETERS = {
    "PAYPAL_CLIENT_ID_PARAM": (f"/payment-webhooks/{SUFFIX}/paypal/client-id", CLIENT_ID),
    "PAYPAL_CLIENT_SECRET_PARAM": (
        f"/payment-webhooks/{SUFFIX}/paypal/client-secret",
        CLIENT_SECRET,
    ),
}


def _to_fake(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """PayPal API requests go to the fake (plain HTTP on 127.0.0.1, redirects still refused);
    certificate fetches keep going to the platform's certificate server."""
    certificates = urllib.request.build_opener()
    with monkeypatch.context() as real:
        real.setattr(urllib.request, "build_opener", _build_opener)
        to_api = no_redirect_opener()

    class Opener:
        def open(self, target: Any, timeout: float) -> Any:
            if not isinstance(target, urllib.request.Request):
                return certificates.open(target, timeout)
            assert target.full_url.startswith(f"{LIVE_API_BASE}/"), target.full_url
            path = target.full_url.removeprefix(LIVE_API_BASE)
            target.full_url = f"http://127.0.0.1:{port}{path}"
            return to_api.open(target, timeout=timeout)

    monkeypatch.setattr(urllib.request, "build_opener", lambda *_: Opener())


def _with_credentials(platform: Any, values: dict[str, str] | None = None) -> None:
    from webhook_processor import receiver

    for variable, (name, value) in PARAMETERS.items():
        platform.client("ssm").put_parameter(
            Name=name,
            Value=(values or {}).get(variable, value),
            Type="SecureString",
            KeyId=platform.key_arn,
        )
        platform.monkeypatch.setenv(variable, name)
    platform.monkeypatch.setattr(receiver, "_material", None)


@pytest.fixture
def api(platform: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePayPalApi]:
    fake = FakePayPalApi()
    with serving(fake) as port:
        _to_fake(monkeypatch, port)
        yield fake


def _enqueued(platform: Any) -> int:
    return len(platform.receive(platform.ingest_url))


def test_credentials_in_ssm_switch_the_api_on_and_success_is_accepted(platform, api):
    _with_credentials(platform)
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 200
    assert api.paths() == ["/v1/oauth2/token", "/v1/notifications/verify-webhook-signature"]
    assert _enqueued(platform) == 1


def test_paypal_saying_failure_is_a_401_and_nothing_is_enqueued(platform, api, logs):
    _with_credentials(platform)
    api.verification_status = "FAILURE"
    response = platform.deliver("paypal", EVENT_TYPE)
    assert response["statusCode"] == 401
    [entry] = [e for e in logs() if e["message"] == "signature rejected"]
    assert entry["reason"] == "rejected_by_provider"
    assert _enqueued(platform) == 0


@pytest.mark.parametrize("change", [{"verify_status": 503}, {"token_status": 401}])
def test_no_answer_from_paypal_is_a_503_paypal_retries(platform, api, logs, change):
    _with_credentials(platform)
    for name, value in change.items():
        setattr(api, name, value)
    response = platform.deliver("paypal", EVENT_TYPE)
    assert response["statusCode"] == 503
    [entry] = [e for e in logs() if e["message"].startswith("signature cannot be verified now")]
    assert entry["reason"] in ("verification_unavailable", "credentials_rejected")
    assert _enqueued(platform) == 0
    assert platform.receive(platform.dlq_url) == []


def test_rotated_credentials_take_effect_at_once_without_a_deploy(platform, api):
    _with_credentials(platform)
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 200
    rotated = "EKrotatedClientSecret-0a9s8d7f"
    api.client_secret = rotated  # rotated in PayPal's dashboard: the old token goes too
    api.revoke()
    platform.client("ssm").put_parameter(
        Name=PARAMETERS["PAYPAL_CLIENT_SECRET_PARAM"][0],
        Value=rotated,
        Type="SecureString",
        Overwrite=True,
    )
    assert platform.deliver("paypal", EVENT_TYPE, note="2")["statusCode"] == 200
    assert api.paths()[2:] == [
        "/v1/notifications/verify-webhook-signature",  # the revoked token: 401
        "/v1/oauth2/token",  # the cached old secret: 401, so SSM is read again
        "/v1/oauth2/token",
        "/v1/notifications/verify-webhook-signature",
    ]


def test_placeholders_leave_local_verification_and_no_api_call(platform, api):
    placeholder = "UNSET: set with aws ssm put-parameter"
    _with_credentials(
        platform,
        {"PAYPAL_CLIENT_ID_PARAM": placeholder, "PAYPAL_CLIENT_SECRET_PARAM": placeholder},
    )
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 200
    assert api.requests == []


def test_an_explicit_api_choice_without_credentials_fails_closed(platform, api, monkeypatch):
    monkeypatch.setenv("PAYPAL_VERIFICATION", "api")
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 503
    assert api.requests == []


def test_local_choice_ignores_the_credentials(platform, api, monkeypatch):
    _with_credentials(platform)
    monkeypatch.setenv("PAYPAL_VERIFICATION", "local")
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 200
    assert api.requests == []


def test_no_credential_or_token_reaches_any_log_line_at_debug(platform, api, logs, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    _with_credentials(platform)
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 200
    api.revoke()
    assert platform.deliver("paypal", EVENT_TYPE, note="2")["statusCode"] == 200
    api.verification_status = "FAILURE"
    assert platform.deliver("paypal", EVENT_TYPE, note="3")["statusCode"] == 401
    assert caplog.records, "nothing was logged: the test would prove nothing"
    written = [record.getMessage() for record in caplog.records]
    written += [logs.text(), *capsys.readouterr()]
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    for secret in (CLIENT_ID, CLIENT_SECRET, basic, *api.issued):
        assert not [line for line in written if secret in line], secret


def test_refused_credentials_force_one_ssm_re_read_per_interval_like_a_bad_signature(platform, api):
    """Replays of a captured delivery while PayPal refuses our credentials must not buy an SSM
    re-read each: the first forces one, the next ones within the interval read the cache."""
    from webhook_processor import clients

    _with_credentials(platform)
    reads: list[str] = []
    clients.client("ssm").meta.events.register(
        "provide-client-params.ssm.GetParameter", lambda **kw: reads.append(kw["params"]["Name"])
    )
    api.token_status = 401
    assert platform.deliver("paypal", EVENT_TYPE)["statusCode"] == 503
    once = len(reads)
    assert once == 2 * len(set(reads))  # the cached read, then one forced re-read
    for note in ("2", "3", "4"):
        assert platform.deliver("paypal", EVENT_TYPE, note=note)["statusCode"] == 503
    assert len(reads) == once
    assert api.paths() == ["/v1/oauth2/token"] * 5  # one per delivery, two for the first
