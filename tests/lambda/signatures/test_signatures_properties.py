"""Properties: a mutated valid delivery never verifies; arbitrary input never raises."""

from __future__ import annotations

import hashlib
import hmac
import json
import string
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webhook_processor.signatures import Verdict, Verifier, verifier
from webhook_processor.signatures._base import HmacSha256

from . import sigkit
from .oracles import PayPalWorld
from .sigkit import NOW

# PCI DSS 6.2.4: tampering never verifies; malformed input never crashes the receiver.
pytestmark = pytest.mark.evidence("6.2.4")

BODY = sigkit.event_body(512)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _hmac_deliveries() -> dict[str, tuple[Verifier, dict[str, str], bytes]]:
    adyen_items = [sigkit.adyen_sign_item(sigkit.adyen_item(i)) for i in range(2)]
    return {
        "stripe": (
            verifier("stripe", {"secret": sigkit.STRIPE_SECRET}),
            {"Stripe-Signature": sigkit.stripe_header(BODY)},
            BODY,
        ),
        "square": (
            verifier(
                "square",
                {"signature_key": sigkit.SQUARE_KEY, "notification_url": sigkit.SQUARE_URL},
            ),
            {"x-square-hmacsha256-signature": sigkit.square_signature(BODY)},
            BODY,
        ),
        "adyen_payload": (
            verifier("adyen", {"hmac_key_hex": sigkit.ADYEN_KEY_HEX, "mode": "payload"}),
            {"HmacSignature": sigkit.adyen_payload_signature(BODY)},
            BODY,
        ),
        "adyen_items": (
            verifier("adyen", {"hmac_key_hex": sigkit.ADYEN_KEY_HEX, "mode": "notification_item"}),
            {},
            sigkit.adyen_notification(adyen_items),
        ),
        "standardwebhooks": (
            verifier("standardwebhooks", {"secret": sigkit.STANDARD_SECRET}),
            sigkit.standard_headers(BODY),
            BODY,
        ),
    }


DELIVERIES = _hmac_deliveries()
SIGNED_ADYEN_FIELDS = ("pspReference", "merchantAccountCode", "merchantReference", "eventCode")


@PROPERTY
@given(
    key=st.binary(max_size=200),
    prefix=st.binary(max_size=99),
    message=st.binary(),
    more=st.binary(),
)
def test_precomputed_hmac_equals_the_standard_library(
    key: bytes, prefix: bytes, message: bytes, more: bytes
) -> None:
    """Keys shorter than, equal to and longer than the 64-byte block, with and without prefix."""
    expected = hmac.new(key, prefix + message + more, hashlib.sha256).digest()
    assert HmacSha256(key, prefix).digest(message, more) == expected


def test_the_unmutated_deliveries_verify() -> None:
    for name, (check, headers, body) in DELIVERIES.items():
        assert check(headers, body, now=NOW).valid, name


def _mutate(data: bytes, draw: Any) -> bytes:
    """Flip, insert or delete one byte somewhere in ``data``."""
    kind = draw(st.sampled_from(["flip", "insert", "delete"]))
    index = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        mask = draw(st.integers(1, 255))
        return data[:index] + bytes([data[index] ^ mask]) + data[index + 1 :]
    if kind == "insert":
        return data[:index] + bytes([draw(st.integers(0, 255))]) + data[index:]
    return data[:index] + data[index + 1 :]


@PROPERTY
@given(
    name=st.sampled_from(["stripe", "square", "adyen_payload", "standardwebhooks"]), data=st.data()
)
def test_mutated_bodies_never_verify(name: str, data: st.DataObject) -> None:
    check, headers, body = DELIVERIES[name]
    mutated = _mutate(body, data.draw)
    assert not check(headers, mutated, now=NOW).valid


@PROPERTY
@given(name=st.sampled_from(sorted(DELIVERIES)), data=st.data())
def test_mutated_signatures_never_verify(name: str, data: st.DataObject) -> None:
    """Change one character of a signature value to another character of its alphabet."""
    check, headers, body = DELIVERIES[name]
    if name == "adyen_items":
        notification = json.loads(body)
        item = notification["notificationItems"][data.draw(st.integers(0, 1))]
        signature = item["NotificationRequestItem"]["additionalData"]["hmacSignature"]
        mutated = _swap_char(signature, data.draw)
        item["NotificationRequestItem"]["additionalData"]["hmacSignature"] = mutated
        assert not check(headers, json.dumps(notification).encode(), now=NOW).valid
        return
    key = next(k for k in headers if "signature" in k.lower())
    value = headers[key]
    prefix = {"stripe": value.find("v1=") + 3, "standardwebhooks": value.find(",") + 1}.get(name, 0)
    mutated = value[:prefix] + _swap_char(value[prefix:], data.draw)
    assert not check({**headers, key: mutated}, body, now=NOW).valid


def _swap_char(text: str, draw: Any) -> str:
    """Hex or base64; the last base64 character before padding is left alone, since some of its
    bits are padding (a different character there can encode the same bytes)."""
    hexdigits = "0123456789abcdef"
    is_hex = all(c in hexdigits for c in text)
    alphabet = hexdigits if is_hex else string.ascii_letters + string.digits + "+/"
    end = len(text) if is_hex else len(text.rstrip("=")) - 1
    positions = [i for i, c in enumerate(text[:end]) if c in alphabet]
    index = draw(st.sampled_from(positions))
    replacement = draw(st.sampled_from([c for c in alphabet if c != text[index]]))
    return text[:index] + replacement + text[index + 1 :]


@PROPERTY
@given(
    field=st.sampled_from(SIGNED_ADYEN_FIELDS),
    value=st.text(max_size=20),
    index=st.integers(0, 1),
)
def test_mutated_signed_adyen_fields_never_verify(field: str, value: str, index: int) -> None:
    check, headers, body = DELIVERIES["adyen_items"]
    notification = json.loads(body)
    item = notification["notificationItems"][index]["NotificationRequestItem"]
    if item[field] == value:
        value += "x"
    item[field] = value
    assert not check(headers, json.dumps(notification).encode(), now=NOW).valid


# --- Arbitrary input: a Verdict, never an exception ------------------------------------------

HEADER_NAMES = [
    "stripe-signature",
    "x-square-hmacsha256-signature",
    "x-square-signature",
    "hmacsignature",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
]
header_values = st.one_of(
    st.text(),
    st.text(alphabet="0123456789abcdefv=t,. +/:-TZ", max_size=200),
    st.sampled_from(
        [
            "SHA256withRSA",
            "https://api.paypal.com/v1/notifications/certs/CERT-x",
            "2026-09-21T00:00:00Z",
            f"t={NOW},v1=00",
            "v1,AAAA",
            str(NOW),
        ]
    ),
    st.integers(),
    st.none(),
    st.integers(8000, 20000).map(lambda n: "v1=" + "a" * n),
)
headers_strategy = st.dictionaries(
    st.one_of(
        st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_NAMES).map(str.upper), st.text()
    ),
    header_values,
    max_size=8,
)
SIGNED_ITEM = sigkit.adyen_sign_item(sigkit.adyen_item())
surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=3)
json_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | surrogates
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)
adyen_shaped = st.builds(
    lambda items: json.dumps({"notificationItems": items}).encode(),
    st.lists(
        st.one_of(
            json_values,
            st.builds(lambda item: {"NotificationRequestItem": item}, json_values),
            st.builds(
                lambda extra: {"NotificationRequestItem": {**SIGNED_ITEM, **extra}},
                st.dictionaries(
                    st.sampled_from(["amount", "additionalData", "success", "pspReference"]),
                    json_values,
                ),
            ),
        ),
        max_size=3,
    ),
)
bodies = st.one_of(st.binary(max_size=3000), adyen_shaped, st.just(b"[" * 5000 + b"]" * 5000))


@PROPERTY
@given(
    overrides=st.dictionaries(
        st.sampled_from([*SIGNED_ADYEN_FIELDS, "originalReference", "amount", "additionalData"]),
        surrogates | json_leaves | json_values,
        min_size=1,
    )
)
def test_arbitrary_adyen_item_fields_never_raise(overrides: dict[str, Any]) -> None:
    check = DELIVERIES["adyen_items"][0]
    body = sigkit.adyen_notification([{**SIGNED_ITEM, **overrides}])
    assert isinstance(check({}, body, now=NOW), Verdict)


@pytest.fixture(scope="module")
def every_verifier(pki: sigkit.PKI) -> list[Verifier]:
    world = PayPalWorld(pki, time.time())
    world.served = {world.url(name): text for name, text in pki.variants.items()}
    checks = [check for check, _, _ in DELIVERIES.values()]
    return [*checks, Verifier("paypal", world.settings())]


@PROPERTY
@given(headers=headers_strategy, body=bodies, now=st.floats(0, 4e9))
def test_arbitrary_input_never_raises(
    every_verifier: list[Verifier], headers: dict[str, Any], body: bytes, now: float
) -> None:
    for check in every_verifier:
        assert isinstance(check(headers, body, now=now), Verdict)


@PROPERTY
@given(served=st.binary(max_size=4000) | st.text().map(str.encode), data=st.data())
def test_arbitrary_certificate_responses_never_raise(
    pki: sigkit.PKI, served: bytes, data: st.DataObject
) -> None:
    world = PayPalWorld(pki, time.time())
    prefix = data.draw(st.sampled_from(["", pki.served]))
    world.served = {world.url("valid"): prefix + served.decode("latin-1")}
    verdict = Verifier("paypal", world.settings())(world.headers(BODY), BODY, now=world.now)
    assert isinstance(verdict, Verdict)
