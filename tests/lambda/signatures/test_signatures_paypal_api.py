"""PayPal's verify-webhook-signature API (``verification: api``) against a fake PayPal on
loopback (fake_paypal_api.py, shaped after PayPal's published reference).

The default transport (``HttpsTransport``) runs for real over TLS to 127.0.0.1; only the host is
rewritten (PayPal's live or sandbox API base -> the fake) and the fake's CA trusted. Nothing
leaves the machine.
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_processor.signatures import UNAVAILABLE, ConfigError, Reason, Verifier, verifier
from webhook_processor.signatures import paypal as paypal_module
from webhook_processor.signatures.paypal import (
    LIVE_API_BASE,
    SANDBOX_API_BASE,
    TOKEN_MARGIN_SECONDS,
    HttpsTransport,
    PayPalSettings,
)

from . import sigkit
from .fake_paypal_api import CLIENT_ID, CLIENT_SECRET, FakePayPalApi, serving
from .oracles import PayPalWorld

pytestmark = pytest.mark.evidence("6.2.4")

BODY = sigkit.event_body()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return sigkit.localhost_tls(tmp_path_factory.mktemp("paypal-api"))


@dataclass
class Api:
    fake: FakePayPalApi
    port: int
    sent: list[str]
    https: HttpsTransport

    def transport(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        """The real default transport, to the fake instead of PayPal's host."""
        self.sent.append(url)
        for base in (LIVE_API_BASE, SANDBOX_API_BASE):
            if url.startswith(f"{base}/"):
                local = f"https://localhost:{self.port}{url.removeprefix(base)}"
                return self.https(local, headers, body)
        raise AssertionError(url)


@pytest.fixture
def api(tls: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    context, ca = tls
    original = paypal_module.ssl.create_default_context
    monkeypatch.setattr(
        paypal_module.ssl, "create_default_context", lambda: original(cafile=str(ca))
    )
    fake = FakePayPalApi()
    with serving(fake, lambda sock: context.wrap_socket(sock, server_side=True)) as port:
        yield Api(fake, port, [], HttpsTransport())


def _settings(paypal: PayPalWorld, api: Api, **overrides: Any) -> PayPalSettings:
    return paypal.settings(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, transport=api.transport, **overrides
    )


def _check(paypal: PayPalWorld, api: Api, **overrides: Any) -> Callable[..., Any]:
    check = Verifier("paypal", _settings(paypal, api, **overrides))
    return lambda body=BODY, headers=None, now=paypal.now: check(
        headers or paypal.headers(body), body, now=now
    )


TOKEN = "/v1/oauth2/token"
VERIFY = "/v1/notifications/verify-webhook-signature"


def test_a_genuine_delivery_is_confirmed_by_paypal(paypal: PayPalWorld, api: Api) -> None:
    assert _check(paypal, api)().valid
    assert api.fake.paths() == [TOKEN, VERIFY]
    assert api.sent == [LIVE_API_BASE + TOKEN, LIVE_API_BASE + VERIFY]


def test_the_token_request_is_basic_auth_client_credentials(paypal: PayPalWorld, api: Api) -> None:
    _check(paypal, api)()
    token = api.fake.requests[0]
    credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token.headers["authorization"] == f"Basic {credentials}"
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token.body == b"grant_type=client_credentials"


def test_the_verify_request_carries_the_headers_the_webhook_id_and_the_raw_body(
    paypal: PayPalWorld, api: Api
) -> None:
    headers = {k.lower(): v for k, v in paypal.headers(BODY).items()}
    _check(paypal, api)(headers=headers)
    request = api.fake.requests[1]
    assert request.headers["authorization"] == f"Bearer {api.fake.issued[-1]}"
    assert request.headers["content-type"] == "application/json"
    sent = json.loads(request.body)
    assert sent == {
        "auth_algo": headers["paypal-auth-algo"],
        "cert_url": headers["paypal-cert-url"],
        "transmission_id": headers["paypal-transmission-id"],
        "transmission_sig": headers["paypal-transmission-sig"],
        "transmission_time": headers["paypal-transmission-time"],
        "webhook_id": sigkit.PAYPAL_WEBHOOK_ID,
        "webhook_event": json.loads(BODY),
    }
    # Byte for byte: PayPal checks the event as serialised in the request, so it is not
    # re-serialised here (key order, {} and number formats survive).
    assert request.body.endswith(b'"webhook_event": ' + BODY + b"}")


def test_a_body_that_keeps_its_exact_bytes_survives_what_a_reserialisation_would_change(
    paypal: PayPalWorld, api: Api
) -> None:
    body = b'{"z":1.10,"a":{},"e":"\\u00e9","n":1E2, "id":"WH-1"}'
    assert _check(paypal, api)(body=body).valid
    assert api.fake.requests[1].body.endswith(b'"webhook_event": ' + body + b"}")


def test_paypal_saying_failure_rejects_the_delivery(paypal: PayPalWorld, api: Api) -> None:
    api.fake.verification_status = "FAILURE"
    assert _check(paypal, api)().reason == Reason.REJECTED_BY_PROVIDER


def _forged_json(body: bytes, target: int) -> bytes:
    """Another JSON event (new id) with the CRC-32 ``target``."""
    return _closed_with_crc(body.replace(b'"evt_1Nf3k', b'"evt_FORGE')[:-1] + b',"note":"', target)


def _closed_with_crc(head: bytes, target: int) -> bytes:
    """``head`` (which ends inside an open string member) closed so that the whole has the
    CRC-32 ``target``: 48 characters of the string each 'a' or 'c'; CRC-32 is affine over
    GF(2), so the choices solve a linear system."""
    tail, size = b'"}', 48

    def crc(choices: int) -> int:
        text = bytes(b"c"[0] if choices >> i & 1 else b"a"[0] for i in range(size))
        return zlib.crc32(head + text + tail)

    base = crc(0)
    rows = [(crc(1 << i) ^ base, 1 << i) for i in range(size)]
    solution, want = 0, target ^ base
    for pivot in range(32):
        mask = 1 << pivot
        found = next((row for row in rows if row[0] & mask), None)
        if found is None:
            continue
        rows.remove(found)
        rows = [(i ^ found[0], b ^ found[1]) if i & mask else (i, b) for i, b in rows]
        if want & mask:
            want ^= found[0]
            solution ^= found[1]
    assert want == 0
    return head + bytes(b"c"[0] if solution >> i & 1 else b"a"[0] for i in range(size)) + tail


def test_the_crc32_forgery_that_passes_locally_is_caught_by_the_api(
    paypal: PayPalWorld, api: Api
) -> None:
    """The documented residual risk of local verification, closed: PayPal knows the body it
    sent (the fake answers SUCCESS only for that one, as PayPal does)."""
    headers = paypal.headers(BODY)
    forged = _forged_json(BODY, zlib.crc32(BODY))
    assert zlib.crc32(forged) == zlib.crc32(BODY)
    assert json.loads(forged)["id"].startswith("evt_FORGE")
    assert Verifier("paypal", paypal.settings())(headers, forged, now=paypal.now).valid  # local
    api.fake.delivered = {json.dumps(json.loads(BODY))}
    assert _check(paypal, api)(body=forged, headers=headers).reason == (Reason.REJECTED_BY_PROVIDER)
    assert _check(paypal, api)(body=BODY, headers=headers).valid


def test_a_body_with_duplicate_keys_never_reaches_the_api(paypal: PayPalWorld, api: Api) -> None:
    """A captured delivery with its members repeated at the end, CRC-32 kept: we read the last
    occurrence of each key, a parser that keeps the first (or PayPal's, whichever it keeps)
    reads the genuine event. PayPal would then confirm one event and we would enqueue another,
    so a body whose meaning depends on the duplicate-key rule is refused before any call."""
    headers = paypal.headers(BODY)
    forged = _closed_with_crc(BODY[:-1] + b',"object":"refund","id":"', zlib.crc32(BODY))
    assert zlib.crc32(forged) == zlib.crc32(BODY)
    first_wins = json.loads(forged, object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert first_wins == json.loads(BODY) != json.loads(forged)
    assert Verifier("paypal", paypal.settings())(headers, forged, now=paypal.now).valid  # local
    assert _check(paypal, api)(body=forged, headers=headers).reason == Reason.MALFORMED_BODY
    assert _check(paypal, api)(body=b'{"a": {"b": 1, "b": 1}}').reason == Reason.MALFORMED_BODY
    assert api.sent == []


def test_the_token_is_reused_until_shortly_before_it_expires(paypal: PayPalWorld, api: Api) -> None:
    check = _check(paypal, api)
    usable = api.fake.expires_in - TOKEN_MARGIN_SECONDS
    for offset in (0, 1, usable - 1):
        paypal.now += offset
        assert check(now=paypal.now).valid
        paypal.now -= offset
    assert api.fake.paths() == [TOKEN, VERIFY, VERIFY, VERIFY]
    paypal.now += usable  # the headers are fresh for this instant too
    assert check(now=paypal.now).valid
    assert api.fake.paths()[-2:] == [TOKEN, VERIFY]
    assert len(api.fake.issued) == 2


def test_a_short_lived_token_is_not_cached(paypal: PayPalWorld, api: Api) -> None:
    api.fake.expires_in = TOKEN_MARGIN_SECONDS
    check = _check(paypal, api)
    assert check().valid
    assert check().valid
    assert api.fake.paths() == [TOKEN, VERIFY, TOKEN, VERIFY]


def test_a_revoked_token_is_replaced_once_within_the_same_delivery(
    paypal: PayPalWorld, api: Api
) -> None:
    check = _check(paypal, api)
    assert check().valid
    api.fake.revoke()
    assert check().valid
    assert api.fake.paths() == [TOKEN, VERIFY, VERIFY, TOKEN, VERIFY]


def test_refused_credentials_fail_closed_as_retryable_without_a_verify_call(
    paypal: PayPalWorld, api: Api
) -> None:
    api.fake.token_status = 401
    verdict = _check(paypal, api)()
    assert verdict.reason == Reason.CREDENTIALS_REJECTED
    assert verdict.reason in UNAVAILABLE
    assert api.fake.paths() == [TOKEN]


@pytest.mark.parametrize(
    "change",
    [
        {"token_status": 500},
        {"token_status": 503},
        {"token_answer": b"not json"},
        {"token_answer": b'{"access_token": "t", "token_type": "Bearer"}'},  # no expires_in
        {"token_answer": b'{"access_token": "t", "token_type": "MAC", "expires_in": 900}'},
        {"token_answer": b'{"access_token": "a b", "token_type": "Bearer", "expires_in": 900}'},
        {"token_answer": b'{"access_token": "t", "token_type": "Bearer", "expires_in": true}'},
        {"token_answer": b"[]"},
        {"verify_status": 500},
        {"verify_status": 400},
        {"verify_status": 201},
        {"verify_answer": b"<html>Service Unavailable</html>"},
        {"verify_answer": b'{"verification_status": "success"}'},
        {"verify_answer": b'{"verification_status": "PENDING"}'},
        {"verify_answer": b'{"status": "SUCCESS"}'},
        {"verify_answer": b'["SUCCESS"]'},
        {"verify_answer": b'{"verification_status": NaN}'},
        {"verify_answer": b" " * (paypal_module.MAX_API_RESPONSE_BYTES + 1)},
        {"redirect": True},
    ],
)
def test_no_usable_answer_fails_closed_as_retryable(
    paypal: PayPalWorld, api: Api, change: dict[str, Any]
) -> None:
    for name, value in change.items():
        setattr(api.fake, name, value)
    verdict = _check(paypal, api)()
    assert verdict.reason == Reason.VERIFICATION_UNAVAILABLE
    assert verdict.reason in UNAVAILABLE


def test_a_timeout_fails_closed_as_retryable(
    paypal: PayPalWorld, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paypal_module, "API_TIMEOUT_SECONDS", 0.2)
    api.fake.delay_seconds = 0.5
    assert _check(paypal, api)().reason == Reason.VERIFICATION_UNAVAILABLE


def test_paypal_unreachable_fails_closed_as_retryable(paypal: PayPalWorld, api: Api) -> None:
    def refused(url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        return api.https("https://localhost:1/v1/oauth2/token", headers, body)

    settings = paypal.settings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, transport=refused)
    verdict = Verifier("paypal", settings)(paypal.headers(BODY), BODY, now=paypal.now)
    assert verdict.reason == Reason.VERIFICATION_UNAVAILABLE


def test_the_default_transport_builds_its_tls_context_once(
    paypal: PayPalWorld, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    create = paypal_module.ssl.create_default_context
    monkeypatch.setattr(
        paypal_module.ssl, "create_default_context", lambda: built.append(1) or create()
    )
    check = _check(paypal, api)
    for _ in range(3):
        assert check().valid
    assert len(api.fake.requests) == 4
    assert len(built) == 1


def test_the_default_transport_insists_on_https() -> None:
    with pytest.raises(ValueError, match="https"):
        HttpsTransport()("http://api-m.paypal.com/v1/oauth2/token", {}, b"")


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"PAYPAL-AUTH-ALGO": "SHA1withRSA"}, Reason.UNSUPPORTED_ALGORITHM),
        ({"PAYPAL-TRANSMISSION-TIME": sigkit.iso(0)}, Reason.STALE_TIMESTAMP),
        ({"PAYPAL-TRANSMISSION-SIG": "!!!"}, Reason.MALFORMED_HEADER),
        ({"PAYPAL-TRANSMISSION-ID": "other-id"}, Reason.BAD_SIGNATURE),
        ({"PAYPAL-CERT-URL": "https://evil.example.com/v1/notifications/certs/C"}, None),
        ({"PAYPAL-TRANSMISSION-ID": None}, Reason.MISSING_HEADER),
    ],
)
def test_the_api_is_never_called_before_the_local_checks_pass(
    paypal: PayPalWorld, api: Api, tamper: dict[str, str | None], reason: Reason | None
) -> None:
    headers = {**paypal.headers(BODY), **tamper}
    headers = {k: v for k, v in headers.items() if v is not None}
    verdict = _check(paypal, api)(headers=headers)
    assert verdict.reason == (reason or Reason.DISALLOWED_CERT_URL)
    assert api.sent == []


def test_a_signed_body_that_is_not_a_json_object_never_reaches_the_api(
    paypal: PayPalWorld, api: Api
) -> None:
    for body in (b'["an", "array"]', b'{"a": NaN}', b"\xff\xfe{}", b"{" * 100_000):
        assert _check(paypal, api)(body=body).reason == Reason.MALFORMED_BODY
    assert api.sent == []


def test_api_calls_are_capped_per_minute_token_requests_included(
    paypal: PayPalWorld, api: Api
) -> None:
    check = _check(paypal, api, max_api_calls_per_minute=3)
    assert check().valid  # token + verify
    assert check().valid  # verify
    assert check().reason == Reason.VERIFICATION_UNAVAILABLE
    assert api.fake.paths() == [TOKEN, VERIFY, VERIFY]
    assert check(now=paypal.now + 60).valid
    assert len(api.fake.requests) == 4


def test_sandbox_uses_paypals_sandbox_api_and_only_it(paypal: PayPalWorld, api: Api) -> None:
    assert _check(paypal, api, sandbox=True)().valid
    assert api.sent == [SANDBOX_API_BASE + TOKEN, SANDBOX_API_BASE + VERIFY]


def test_the_api_host_cannot_be_configured() -> None:
    raw = {"webhook_id": "WH", "trust_store_pems": [sigkit.pem(sigkit.make_pki(0).root)]}
    for key in ("api_base", "api_url", "transport", "base_url"):
        with pytest.raises(ConfigError, match="unknown setting"):
            verifier("paypal", {**raw, key: "http://127.0.0.1:1"})


# --- choosing the verification ---------------------------------------------------------------

RAW = {"webhook_id": "WH"}
BOTH = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


@pytest.fixture
def raw(pki: sigkit.PKI) -> dict[str, Any]:
    return {**RAW, "trust_store_pems": pki.trust_pems}


@pytest.mark.parametrize(
    ("given", "mode"),
    [
        ({}, "local"),
        ({"client_id": "UNSET: set me", "client_secret": "UNSET: set me"}, "local"),
        (BOTH, "api"),
        ({**BOTH, "verification": "auto"}, "api"),
        ({**BOTH, "verification": "local"}, "local"),
        ({"verification": "local"}, "local"),
    ],
)  # fmt: skip
def test_api_by_default_once_both_credentials_are_set(
    raw: dict[str, Any], given: dict[str, str], mode: str
) -> None:
    assert verifier("paypal", {**raw, **given}).settings.verification == mode


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"verification": "api"}, "'client_id' is required with verification 'api'"),
        (
            {"verification": "api", "client_id": CLIENT_ID, "client_secret": "UNSET: x"},
            "'client_secret' is required with verification 'api'",
        ),
        ({"client_id": CLIENT_ID}, "'client_secret' is required with the other"),
        ({"client_secret": CLIENT_SECRET}, "'client_id' is required with the other"),
        ({"verification": "remote"}, "'verification' must be one of auto, api, local"),
        ({"client_id": ""}, "'client_id' must be a non-empty string"),
        ({"max_api_calls_per_minute": "0"}, "'max_api_calls_per_minute' must be a whole number"),
    ],
)
def test_unusable_choices_name_the_key(
    raw: dict[str, Any], given: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        verifier("paypal", {**raw, **given})


def test_no_credential_or_token_appears_in_repr_errors_or_logs_at_debug(
    paypal: PayPalWorld,
    api: Api,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    check = _check(paypal, api)
    assert check().valid
    api.fake.verification_status = "FAILURE"
    check()
    api.fake.token_status = 401
    api.fake.revoke()
    check()
    settings = _settings(paypal, api)
    secrets = [
        CLIENT_SECRET,
        base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode(),
        *api.fake.issued[:-1],
    ]
    written = [record.getMessage() for record in caplog.records]
    written += [repr(settings), repr(Verifier("paypal", settings)), *capsys.readouterr()]
    with pytest.raises(ConfigError) as error:
        verifier("paypal", {**RAW, "client_secret": CLIENT_SECRET, "verification": "api"})
    written.append(str(error.value))
    assert CLIENT_ID not in repr(settings)
    for secret in secrets:
        assert not [line for line in written if secret in line], secret


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_WHITESPACE = st.text(alphabet=" \t\r\n", max_size=2)
# What a sender could put around or inside a JSON object to make the splice say something else.
# Half the draws add nothing, so that most bodies are objects that must reach PayPal intact.
_TAMPERING = st.just("") | st.sampled_from(
    ["}", "]", ',"webhook_event":{}', ', "auth_algo": "x"', "\x00", "NaN", "//", "\ufeff"]
)


@given(
    event=st.dictionaries(st.text(), _JSON, max_size=4),
    ascii_only=st.booleans(),
    before=_WHITESPACE,
    after=_WHITESPACE,
    prefix=_TAMPERING,
    suffix=_TAMPERING,
    transmission_id=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)),
    repeat_a_key=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_paypal_is_asked_about_exactly_the_event_the_receiver_enqueues(
    pki: Any,
    event: dict[str, Any],
    ascii_only: bool,
    before: str,
    after: str,
    prefix: str,
    suffix: str,
    transmission_id: str,
    repeat_a_key: bool,
) -> None:
    """Whatever the body holds (escapes, non-ASCII, whitespace, trailing data, a BOM, NaN, a
    repeated key), a request that leaves is one JSON object: the given members once each and,
    as ``webhook_event``, the very object the receiver parses from the body and enqueues."""
    text = json.dumps(event, ensure_ascii=ascii_only)
    if repeat_a_key and event:
        text = f"{text[:-1]}, {json.dumps(next(iter(event)))}: 0}}"
    body = (prefix + before + text + after + suffix).encode()
    sent: list[bytes] = []

    def transport(url: str, headers: Mapping[str, str], request: bytes) -> tuple[int, bytes]:
        if url.endswith(TOKEN):
            return 200, b'{"access_token":"T","token_type":"Bearer","expires_in":32400}'
        sent.append(request)
        return 200, b'{"verification_status":"SUCCESS"}'

    check = PayPalSettings(
        webhook_id="WH-1",
        trust_store=(pki.root,),
        client_id="I",
        client_secret="S",
        transport=transport,
    )
    fields = {"transmission_id": transmission_id, "webhook_id": "WH-1"}
    try:
        check.confirm(fields, body, now=0)
        refused = None
    except paypal_module.Rejected as rejected:
        refused = rejected.reason
    if refused is not None:
        assert (refused, sent) == (Reason.MALFORMED_BODY, [])
        return

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        assert len({key for key, _ in pairs}) == len(pairs), pairs
        return dict(pairs)

    [request] = sent
    assert json.loads(request, object_pairs_hook=unique) == {
        **fields,
        "webhook_event": json.loads(body),
    }
