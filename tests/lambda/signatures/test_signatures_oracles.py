"""Our verdict equals the official SDK's on valid, tampered, wrong-secret, stale, future, rotated
and malformed deliveries. Each case also names the reason we expect (``None`` = valid), so a case
where both sides were wrong the same way would still fail."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from webhook_processor.signatures import Reason, Verifier, verifier

from . import sigkit
from .oracles import (
    PayPalWorld,
    adyen_sdk_accepts,
    sdk_case,
    square_sdk_accepts,
    standard_sdk_accepts,
    stripe_sdk_accepts,
)
from .sigkit import NOW

# PCI DSS 6.2.4: signatures verified exactly as the providers sign, replay windows included.
pytestmark = pytest.mark.evidence("6.2.4")

R = Reason
BODY = sigkit.event_body()
TAMPERED = BODY.replace(b'"object":"event"', b'"object":"Event"')


def _stripe_cases() -> dict[str, tuple[dict[str, str], bytes, float, Reason | None]]:
    sig = sigkit.stripe_header(BODY)
    v1 = sig.split("v1=")[1]
    other = sigkit.stripe_header(BODY, secret="whsec_rolled_away").split("v1=")[1]
    h = "Stripe-Signature"
    return {
        "valid": ({h: sig}, BODY, NOW, None),
        "valid_lowercase_header_name": ({h.lower(): sig}, BODY, NOW, None),
        "valid_at_tolerance_edge": ({h: sig}, BODY, NOW + 300, None),
        "tampered_body": ({h: sig}, TAMPERED, NOW, R.BAD_SIGNATURE),
        "wrong_secret": (
            {h: sigkit.stripe_header(BODY, secret="whsec_x")},
            BODY,
            NOW,
            R.BAD_SIGNATURE,
        ),
        "stale": ({h: sig}, BODY, NOW + 301, R.STALE_TIMESTAMP),
        "rotated_second_matches": ({h: f"t={NOW},v1={other},v1={v1}"}, BODY, NOW, None),
        "rotated_first_matches": ({h: f"t={NOW},v1={v1},v1={other}"}, BODY, NOW, None),
        "rotated_none_match": ({h: f"t={NOW},v1={other},v1={other}"}, BODY, NOW, R.BAD_SIGNATURE),
        "test_mode_v0_ignored": ({h: f"t={NOW},v0={other},v1={v1}"}, BODY, NOW, None),
        "v0_only": ({h: f"t={NOW},v0={v1}"}, BODY, NOW, R.UNSUPPORTED_ALGORITHM),
        "missing_header": ({}, BODY, NOW, R.MISSING_HEADER),
        "empty_header": ({h: ""}, BODY, NOW, R.MALFORMED_HEADER),
        "no_timestamp": ({h: f"v1={v1}"}, BODY, NOW, R.MALFORMED_HEADER),
        "timestamp_not_a_number": ({h: f"t=abc,v1={v1}"}, BODY, NOW, R.MALFORMED_HEADER),
        "timestamp_shifted": ({h: f"t={NOW + 1},v1={v1}"}, BODY, NOW, R.BAD_SIGNATURE),
        "signature_not_hex": ({h: f"t={NOW},v1=zz{v1[2:]}"}, BODY, NOW, R.BAD_SIGNATURE),
        "signature_uppercase_hex": ({h: f"t={NOW},v1={v1.upper()}"}, BODY, NOW, R.BAD_SIGNATURE),
        "signature_truncated": ({h: f"t={NOW},v1={v1[:-1]}"}, BODY, NOW, R.BAD_SIGNATURE),
        "garbage": ({h: "garbage"}, BODY, NOW, R.MALFORMED_HEADER),
        "spaces_after_commas": ({h: f"t={NOW}, v1={v1}"}, BODY, NOW, R.UNSUPPORTED_ALGORITHM),
    }


STRIPE = _stripe_cases()


@pytest.mark.parametrize("name", STRIPE)
def test_stripe_agrees_with_verify_header(name: str) -> None:
    headers, body, now, reason = STRIPE[name]
    verdict = verifier("stripe", {"secret": sigkit.STRIPE_SECRET})(headers, body, now=now)
    assert verdict.reason == reason
    assert stripe_sdk_accepts(headers, body, now) is verdict.valid


def _square_cases() -> dict[str, tuple[dict[str, str], bytes, Reason | None]]:
    sig = sigkit.square_signature(BODY)
    h = "X-Square-HmacSha256-Signature"
    return {
        "valid": ({h: sig}, BODY, None),
        "valid_lowercase_header_name": ({h.lower(): sig}, BODY, None),
        "tampered_body": ({h: sig}, TAMPERED, R.BAD_SIGNATURE),
        "wrong_key": ({h: sigkit.square_signature(BODY, key="rotated-key")}, BODY, R.BAD_SIGNATURE),
        "signed_for_other_url": (
            {h: sigkit.square_signature(BODY, url=sigkit.SQUARE_URL + "/")},
            BODY,
            R.BAD_SIGNATURE,
        ),
        "unpadded_base64": ({h: sig.rstrip("=")}, BODY, R.BAD_SIGNATURE),
        "garbage_base64": ({h: "!!not base64!!"}, BODY, R.BAD_SIGNATURE),
        "missing_header": ({}, BODY, R.MISSING_HEADER),
        "legacy_sha1_header_only": ({"X-Square-Signature": sig}, BODY, R.UNSUPPORTED_ALGORITHM),
        "empty_body": ({h: sigkit.square_signature(b"")}, b"", R.MALFORMED_BODY),
    }


SQUARE = _square_cases()


@pytest.mark.parametrize("name", SQUARE)
def test_square_agrees_with_verify_signature(name: str) -> None:
    headers, body, reason = SQUARE[name]
    settings = {"signature_key": sigkit.SQUARE_KEY, "notification_url": sigkit.SQUARE_URL}
    verdict = verifier("square", settings)(headers, body, now=NOW)
    assert verdict.reason == reason
    assert square_sdk_accepts(headers, body) is verdict.valid


def _adyen_cases() -> dict[str, tuple[str, dict[str, str], bytes, Reason | None]]:
    signed = [sigkit.adyen_sign_item(sigkit.adyen_item(i)) for i in range(3)]
    forged_first = {**signed[0], "amount": {"currency": "EUR", "value": 1}}
    other_key = sigkit.adyen_sign_item(sigkit.adyen_item(), "00" * 32)
    no_signature = sigkit.adyen_item()
    empty_signature = {**signed[0], "additionalData": {"hmacSignature": ""}}
    payload_sig = sigkit.adyen_payload_signature(BODY)
    return {
        "item_valid": ("notification_item", {}, sigkit.adyen_notification(signed[:1]), None),
        "item_valid_batch": ("notification_item", {}, sigkit.adyen_notification(signed), None),
        "item_tampered": (
            "notification_item",
            {},
            sigkit.adyen_notification([forged_first]),
            R.BAD_SIGNATURE,
        ),
        "item_wrong_key": (
            "notification_item",
            {},
            sigkit.adyen_notification([other_key]),
            R.BAD_SIGNATURE,
        ),
        "item_no_additional_data": (
            "notification_item",
            {},
            sigkit.adyen_notification([no_signature]),
            R.MISSING_SIGNATURE,
        ),
        "item_empty_signature": (
            "notification_item",
            {},
            sigkit.adyen_notification([empty_signature]),
            R.MISSING_SIGNATURE,
        ),
        "item_not_json": ("notification_item", {}, b"{not json", R.MALFORMED_BODY),
        "item_lone_surrogate": (
            "notification_item",
            {},
            sigkit.adyen_notification([{**signed[0], "merchantReference": "\ud800"}]),
            R.MALFORMED_BODY,
        ),
        "item_no_amount": (
            "notification_item",
            {},
            sigkit.adyen_notification([{k: v for k, v in signed[0].items() if k != "amount"}]),
            R.MALFORMED_BODY,
        ),
        "payload_valid": ("payload", {"HmacSignature": payload_sig}, BODY, None),
        "payload_lowercase_header_name": ("payload", {"hmacsignature": payload_sig}, BODY, None),
        "payload_tampered": ("payload", {"HmacSignature": payload_sig}, TAMPERED, R.BAD_SIGNATURE),
        "payload_wrong_key": (
            "payload",
            {"HmacSignature": sigkit.adyen_payload_signature(BODY, "11" * 32)},
            BODY,
            R.BAD_SIGNATURE,
        ),
        "payload_missing_header": ("payload", {}, BODY, R.MISSING_HEADER),
    }


ADYEN = _adyen_cases()


@pytest.mark.parametrize("name", ADYEN)
def test_adyen_agrees_with_sdk(name: str) -> None:
    mode, headers, body, reason = ADYEN[name]
    check = verifier("adyen", {"hmac_key_hex": sigkit.ADYEN_KEY_HEX, "mode": mode})
    verdict = check(headers, body, now=NOW)
    assert verdict.reason == reason
    assert adyen_sdk_accepts(headers, body, mode) is verdict.valid


def _standard_cases() -> dict[str, tuple[dict[str, str], bytes, float, Reason | None]]:
    valid = sigkit.standard_headers(BODY)
    sig = valid["webhook-signature"]
    other = sigkit.standard_headers(BODY, secret="whsec_" + "QUJD" * 8)["webhook-signature"]
    svix = {k.replace("webhook-", "svix-"): v for k, v in valid.items()}
    return {
        "valid": (valid, BODY, NOW, None),
        "valid_mixed_case_names": ({k.title(): v for k, v in valid.items()}, BODY, NOW, None),
        "tampered_body": (valid, TAMPERED, NOW, R.BAD_SIGNATURE),
        "wrong_secret": ({**valid, "webhook-signature": other}, BODY, NOW, R.BAD_SIGNATURE),
        "other_message_id": ({**valid, "webhook-id": "msg_other"}, BODY, NOW, R.BAD_SIGNATURE),
        "stale": (valid, BODY, NOW + 301, R.STALE_TIMESTAMP),
        "future": (valid, BODY, NOW - 301, R.FUTURE_TIMESTAMP),
        "at_tolerance_edge": (valid, BODY, NOW - 300, None),
        "rotated_second_matches": (
            {**valid, "webhook-signature": f"{other} {sig}"},
            BODY,
            NOW,
            None,
        ),
        "rotated_none_match": (
            {**valid, "webhook-signature": f"{other} {other}"},
            BODY,
            NOW,
            R.BAD_SIGNATURE,
        ),
        "v1a_only": (
            {**valid, "webhook-signature": "v1a," + sig[3:]},
            BODY,
            NOW,
            R.UNSUPPORTED_ALGORITHM,
        ),
        "missing_id": (
            {k: v for k, v in valid.items() if k != "webhook-id"},
            BODY,
            NOW,
            R.MISSING_HEADER,
        ),
        "timestamp_not_a_number": (
            {**valid, "webhook-timestamp": "soon"},
            BODY,
            NOW,
            R.MALFORMED_HEADER,
        ),
        "signature_bad_base64": (
            {**valid, "webhook-signature": "v1,@@@@"},
            BODY,
            NOW,
            R.MALFORMED_HEADER,
        ),
        "svix_names": (svix, BODY, NOW, None),
    }


STANDARD = _standard_cases()


@pytest.mark.parametrize("name", STANDARD)
def test_standardwebhooks_agrees_with_sdks(name: str) -> None:
    headers, body, now, reason = STANDARD[name]
    check = verifier("standardwebhooks", {"secret": sigkit.STANDARD_SECRET})
    verdict = check(headers, body, now=now)
    assert verdict.reason == reason
    svix_names = any(k.lower().startswith("svix-") for k in headers)
    if not svix_names:
        assert standard_sdk_accepts(headers, body, now, use_svix=False) is verdict.valid
    assert standard_sdk_accepts(headers, body, now, use_svix=True) is verdict.valid


# --- PayPal: our verdict and paypalrestsdk's, from one oracle run --------------------------


def _paypal_cases(world: PayPalWorld) -> dict[str, tuple[dict[str, str], bytes, Reason | None]]:
    valid = world.headers(BODY)
    forged = sigkit.paypal_headers(
        BODY,
        world.pki.rogue_key,
        transmission_time=sigkit.iso(world.now),
        cert_url=world.url("valid"),
    )
    cases: dict[str, tuple[dict[str, str], bytes, Reason | None]] = {
        "valid": (valid, BODY, None),
        "tampered_body": (valid, TAMPERED, R.BAD_SIGNATURE),
        "signed_for_other_webhook_id": (
            world.headers(BODY, webhook_id="9XL90610J3647323C"),
            BODY,
            R.BAD_SIGNATURE,
        ),
        "signed_by_other_key": (forged, BODY, R.BAD_SIGNATURE),
        "signature_not_base64": (
            {**valid, "PAYPAL-TRANSMISSION-SIG": "!!!"},
            BODY,
            R.MALFORMED_HEADER,
        ),
        "unknown_algorithm": (
            {**valid, "PAYPAL-AUTH-ALGO": "MD5withRSA"},
            BODY,
            R.UNSUPPORTED_ALGORITHM,
        ),
        "cert_not_pem": (world.headers(BODY, "garbage"), BODY, R.MALFORMED_CERTIFICATE),
        "cert_unreachable": (world.headers(BODY, "gone"), BODY, R.CERT_FETCH_FAILED),
    }
    for variant in ("expired", "wrong_host", "self_signed", "untrusted_root"):
        cases[f"cert_{variant}"] = (world.headers(BODY, variant), BODY, R.UNTRUSTED_CERTIFICATE)
    return cases


@pytest.fixture(scope="session")
def paypal_verdicts(pki: sigkit.PKI, paypal_sdk: Any) -> dict[str, tuple[Any, bool, Any]]:
    world = PayPalWorld(pki, time.time())
    world.served = {world.url(name): text for name, text in pki.variants.items()}
    world.served[world.url("garbage")] = "this is not a certificate"
    cases = _paypal_cases(world)
    sdk = paypal_sdk(
        [sdk_case(n, h, b, sigkit.PAYPAL_WEBHOOK_ID) for n, (h, b, _) in cases.items()],
        world.served,
    )
    results = {}
    for name, (headers, body, reason) in cases.items():
        check = Verifier("paypal", world.settings())  # a fresh certificate cache per case
        results[name] = (check(headers, body, now=world.now), sdk[name], reason)
    return results


@pytest.mark.parametrize(
    "name",
    [
        "valid",
        "tampered_body",
        "signed_for_other_webhook_id",
        "signed_by_other_key",
        "signature_not_base64",
        "unknown_algorithm",
        "cert_not_pem",
        "cert_unreachable",
        "cert_expired",
        "cert_wrong_host",
        "cert_self_signed",
        "cert_untrusted_root",
    ],
)
def test_paypal_agrees_with_paypalrestsdk(
    name: str, paypal_verdicts: dict[str, tuple[Any, bool, Any]]
) -> None:
    verdict, sdk_accepts, reason = paypal_verdicts[name]
    assert verdict.reason == reason
    assert sdk_accepts is verdict.valid


def test_oracle_tables_hold_both_outcomes() -> None:
    """Guard against a table where every case is rejected (agreement would prove little)."""
    for table in (STRIPE, SQUARE, ADYEN, STANDARD):
        reasons = [case[-1] for case in table.values()]
        assert None in reasons
        assert any(r is not None for r in reasons)
    assert json.loads(BODY)["object"] == "event"
    assert len(BODY) == 2048
