"""Where our verdict differs from an official SDK on purpose: each case, the SDK's verdict (run, not
assumed) and ours, with the reason for the difference in the test's docstring."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from webhook_processor.signatures import Reason, Verifier, verifier
from webhook_processor.signatures._base import MAX_HEADER_CHARS

from . import sigkit
from .oracles import (
    PayPalWorld,
    adyen_sdk_accepts,
    sdk_case,
    standard_sdk_accepts,
    stripe_sdk_accepts,
)
from .sigkit import NOW

# PCI DSS 6.2.4: forged, replayed and SSRF-bearing deliveries the SDKs let through are refused.
pytestmark = pytest.mark.evidence("6.2.4")

BODY = sigkit.event_body()


def _stripe(headers: dict[str, str], body: bytes = BODY, now: float = NOW) -> Any:
    return verifier("stripe", {"secret": sigkit.STRIPE_SECRET})(headers, body, now=now)


def test_stripe_future_timestamp_is_rejected() -> None:
    """The SDK only bounds the past; a timestamp far ahead would stay replayable for as long."""
    headers = {"Stripe-Signature": sigkit.stripe_header(BODY, timestamp=NOW + 301)}
    assert stripe_sdk_accepts(headers, BODY, NOW)
    assert _stripe(headers).reason == Reason.FUTURE_TIMESTAMP


def test_stripe_timestamp_must_be_ascii_digits() -> None:
    """The SDK's int() reads Arabic-Indic digits and '1_790...' and then signs the ASCII form;
    such a header was not produced by Stripe."""
    sig = sigkit.stripe_header(BODY).split("v1=")[1]
    for written in ("١٧٩٠٠٠٠٠٠٠", "1_790_000_000", "+1790000000"):
        headers = {"Stripe-Signature": f"t={written},v1={sig}"}
        assert stripe_sdk_accepts(headers, BODY, NOW), written
        assert _stripe(headers).reason == Reason.MALFORMED_HEADER, written


def test_stripe_duplicate_timestamp_is_ambiguous() -> None:
    """The SDK takes the first ``t`` silently; two timestamps mean a header nobody signed as is."""
    header = sigkit.stripe_header(BODY)
    headers = {"Stripe-Signature": f"{header},t={NOW + 100}"}
    assert stripe_sdk_accepts(headers, BODY, NOW)
    assert _stripe(headers).reason == Reason.MALFORMED_HEADER


def test_stripe_non_utf8_body_is_verified_as_bytes() -> None:
    """Stripe signs bytes; the SDK decodes first and raises UnicodeDecodeError (a 500, retried).
    We verify the bytes, which is what was signed."""
    import stripe

    body = b'{"id":"evt_1","note":"\xff"}'
    mac = hmac.new(sigkit.STRIPE_SECRET.encode(), b"%d.%b" % (NOW, body), hashlib.sha256)
    headers = {"Stripe-Signature": f"t={NOW},v1={mac.hexdigest()}"}
    with pytest.raises(UnicodeDecodeError):
        stripe.WebhookSignature.verify_header(body, headers["Stripe-Signature"], "x", 300)
    assert _stripe(headers, body).valid


def test_oversized_header_is_rejected_unparsed() -> None:
    """A header of thousands of v1 entries costs one HMAC comparison each in the SDK; real
    headers are well under 1 KiB, so anything over the cap is refused before parsing."""
    header = sigkit.stripe_header(BODY)
    headers = {"Stripe-Signature": header + ",v1=" + "0" * MAX_HEADER_CHARS}
    assert stripe_sdk_accepts(headers, BODY, NOW)
    assert _stripe(headers).reason == Reason.MALFORMED_HEADER


def test_conflicting_duplicate_header_names_are_rejected() -> None:
    """Two spellings of one header with different values: the SDKs see only the one their dict
    lookup finds; we refuse to guess which value the signer meant."""
    headers = {"Stripe-Signature": sigkit.stripe_header(BODY), "stripe-signature": "t=1,v1=00"}
    assert _stripe(headers).reason == Reason.MALFORMED_HEADER
    same = {"Stripe-Signature": headers["Stripe-Signature"]} | {
        "stripe-signature": headers["Stripe-Signature"]
    }
    assert _stripe(same).valid


def test_standardwebhooks_fractional_timestamp_is_rejected() -> None:
    """The SDK parses the timestamp with float() and signs its floor, so '1790000000.9' verifies
    with the signature of '1790000000'; the spec says integer seconds."""
    headers = sigkit.standard_headers(BODY)
    headers["webhook-timestamp"] = f"{NOW}.9"
    assert standard_sdk_accepts(headers, BODY, NOW, use_svix=False)
    check = verifier("standardwebhooks", {"secret": sigkit.STANDARD_SECRET})
    assert check(headers, BODY, now=NOW).reason == Reason.MALFORMED_HEADER


def test_standardwebhooks_non_ascii_header_values_are_rejected() -> None:
    """HTTP header values are ASCII; the SDK signs whatever str it is handed (here a message id
    in Cyrillic). A header outside printable ASCII is refused before it reaches the HMAC."""
    headers = sigkit.standard_headers(BODY, msg_id="msg_ж")
    assert standard_sdk_accepts(headers, BODY, NOW, use_svix=False)
    check = verifier("standardwebhooks", {"secret": sigkit.STANDARD_SECRET})
    assert check(headers, BODY, now=NOW).reason == Reason.MALFORMED_HEADER


def _adyen_check() -> Verifier:
    return verifier("adyen", {"hmac_key_hex": sigkit.ADYEN_KEY_HEX, "mode": "notification_item"})


def test_adyen_every_item_of_a_batch_is_verified() -> None:
    """The SDK checks only the first item, so a forged item appended to a genuine batch passes."""
    genuine = sigkit.adyen_sign_item(sigkit.adyen_item(0))
    forged = sigkit.adyen_item(1, additionalData={"hmacSignature": "Zm9yZ2Vk"})
    body = sigkit.adyen_notification([genuine, forged])
    assert adyen_sdk_accepts({}, body, "notification_item")
    assert _adyen_check()({}, body).reason == Reason.BAD_SIGNATURE


def test_adyen_null_field_signs_as_empty_string() -> None:
    """A JSON null signs as '' (Adyen's Java library, and the Python SDK for an absent field);
    the Python SDK writes the Python literal 'None' for a null."""
    item = sigkit.adyen_item(originalReference="")
    signed = sigkit.adyen_sign_item(item)
    body = json.dumps(
        {"notificationItems": [{"NotificationRequestItem": {**signed, "originalReference": None}}]}
    ).encode()
    assert not adyen_sdk_accepts({}, body, "notification_item")
    assert _adyen_check()({}, body).valid


# --- PayPal: what paypalrestsdk accepts and we refuse --------------------------------------


@pytest.fixture(scope="module")
def paypal_differences(pki: sigkit.PKI, paypal_sdk: Any) -> tuple[dict[str, Any], list[str]]:
    world = PayPalWorld(pki, time.time())
    world.served = {world.url(name): text for name, text in pki.variants.items()}
    evil = "https://evil.example.com/v1/notifications/certs/CERT-1"
    plain = world.url("valid").replace("https://", "http://")
    world.served.update({evil: pki.served, plain: pki.served})
    cases = {
        "sha1": world.headers(BODY, algo="SHA1withRSA"),
        "stale": world.headers(BODY, transmission_time=sigkit.iso(world.now - 301)),
        "future": world.headers(BODY, transmission_time=sigkit.iso(world.now + 301)),
        "cert_url_other_host": world.headers(BODY, cert_url=evil),
        "cert_url_http": world.headers(BODY, cert_url=plain),
        "cert_cn_paypal_suffix_only": world.headers(BODY, "paypal_suffix_only"),
    }
    sdk = paypal_sdk(
        [sdk_case(n, h, BODY, sigkit.PAYPAL_WEBHOOK_ID) for n, h in cases.items()], world.served
    )
    ours = {
        n: Verifier("paypal", world.settings())(h, BODY, now=world.now) for n, h in cases.items()
    }
    return {name: (ours[name], sdk[name]) for name in cases}, world.fetched


@pytest.mark.parametrize(
    ("name", "reason", "why"),
    [
        ("sha1", Reason.UNSUPPORTED_ALGORITHM, "SHA-1 signatures are forgeable in practice"),
        ("stale", Reason.STALE_TIMESTAMP, "the SDK has no replay window at all"),
        ("future", Reason.FUTURE_TIMESTAMP, "nor a bound on the future"),
        ("cert_url_other_host", Reason.DISALLOWED_CERT_URL, "the SDK fetches any URL: SSRF"),
        ("cert_url_http", Reason.DISALLOWED_CERT_URL, "plain http lets the network swap the key"),
        (
            "cert_cn_paypal_suffix_only",
            Reason.UNTRUSTED_CERTIFICATE,
            "any *.paypal.com TLS certificate is not a webhook signing certificate",
        ),
    ],
)
def test_paypal_refuses_what_paypalrestsdk_accepts(
    name: str, reason: Reason, why: str, paypal_differences: tuple[dict[str, Any], list[str]]
) -> None:
    ours, sdk_accepts = paypal_differences[0][name]
    assert sdk_accepts, f"{name}: the SDK accepts it ({why})"
    assert ours.reason == reason, why


def test_paypal_fetches_nothing_for_refused_urls_times_or_algorithms(
    paypal_differences: tuple[dict[str, Any], list[str]],
) -> None:
    """Only the one allow-listed URL with a fresh SHA-256 delivery was ever fetched."""
    assert paypal_differences[1] == [
        "https://api.paypal.com/v1/notifications/certs/CERT-paypal_suffix_only"
    ]
