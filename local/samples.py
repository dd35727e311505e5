"""Signed sample deliveries, per provider, as data: a provider joins by adding its entry.

Shapes follow each provider's documented events (Stripe https://docs.stripe.com/api/events,
Square https://developer.squareup.com/reference/square/webhooks, Adyen
https://docs.adyen.com/development-resources/webhooks/webhook-types). Signatures are made with
the standard library's ``hmac`` from the documented recipes (the verifiers in
``webhook_processor.signatures`` are what check them).

PayPal is not among them: its verifier fetches the signing certificate over HTTPS from PayPal's
hosts only (a loopback host is never allowed, by design), so a local delivery cannot be made to
verify without changing the receiver. ``UNAVAILABLE`` says so where the demo prints it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

KINDS = ("completed", "refunded", "disputed", "ignored")
STORED_KINDS = ("completed", "refunded", "disputed")
EVENT_TIME = 1_780_000_000  # 2026-05-28, a fixed clock for event payloads

UNAVAILABLE = {
    "paypal": "PayPal is left out: its verifier fetches certificates over HTTPS from PayPal's "
    "hosts only, which a loopback runtime cannot serve (forward real sandbox deliveries to "
    "`python -m local serve` instead).",
}


def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stripe_event(kind: str, n: int) -> dict[str, Any]:
    """A Stripe event of transaction ``n``: every kind of one ``n`` shares its PaymentIntent."""
    intent = f"pi_local{n:08d}"
    charge = {
        "id": f"ch_local{n:08d}",
        "object": "charge",
        "amount": 2000 + n % 1000,
        "amount_captured": 2000 + n % 1000,
        "amount_refunded": 500,
        "captured": True,
        "currency": "usd",
        "payment_intent": intent,
        "refunds": {
            "object": "list",
            "data": [
                {"id": f"re_local{n:08d}", "object": "refund", "amount": 500, "charge":
                 f"ch_local{n:08d}", "created": EVENT_TIME + n, "currency": "usd",
                 "payment_intent": intent, "status": "succeeded"},
            ],
        },
    }  # fmt: skip
    objects = {
        "completed": (
            "payment_intent.succeeded",
            {"id": intent, "object": "payment_intent", "amount_received": 2000 + n % 1000,
             "currency": "usd"},
        ),
        "refunded": ("charge.refunded", charge),
        "disputed": (
            "charge.dispute.created",
            {"id": f"dp_local{n:08d}", "object": "dispute", "amount": 2000 + n % 1000,
             "charge": charge["id"], "currency": "usd", "payment_intent": intent,
             "status": "needs_response"},
        ),
        "ignored": ("customer.created", {"id": f"cus_local{n:08d}", "object": "customer"}),
    }  # fmt: skip
    event_type, obj = objects[kind]
    return {
        "id": f"evt_local{kind[:3]}{n:08d}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": EVENT_TIME + n,
        "data": {"object": obj},
        "livemode": False,
        "type": event_type,
    }


def square_event(kind: str, n: int) -> dict[str, Any]:
    """A Square event of payment ``n``."""
    payment = f"sqpay{n:08d}"
    money = {"amount": 1500 + n % 1000, "currency": "USD"}
    data: dict[str, tuple[str, str, dict[str, Any]]] = {
        "completed": (
            "payment.updated", "payment",
            {"id": payment, "status": "COMPLETED", "total_money": money},
        ),
        "refunded": (
            "refund.created", "refund",
            {"id": f"sqref{n:08d}", "payment_id": payment, "status": "COMPLETED",
             "amount_money": money},
        ),
        "disputed": (
            "dispute.created", "dispute",
            {"id": f"sqdsp{n:08d}", "disputed_payment": {"payment_id": payment},
             "amount_money": money},
        ),
        "ignored": ("customer.created", "customer", {"id": f"sqcus{n:08d}"}),
    }  # fmt: skip
    event_type, name, obj = data[kind]
    return {
        "merchant_id": "MLOCAL0000001",
        "type": event_type,
        "event_id": f"sqevt-{kind[:3]}-{n:08d}",
        "created_at": _rfc3339(EVENT_TIME + n),
        "data": {"type": name, "id": obj["id"], "object": {name: obj}},
    }


def adyen_event(kind: str, n: int) -> dict[str, Any]:
    """An Adyen standard notification with one item (signed in ``adyen_sign``)."""
    codes = {
        "completed": "AUTHORISATION",
        "refunded": "REFUND",
        "disputed": "CHARGEBACK",
        "ignored": "REPORT_AVAILABLE",
    }
    psp = f"88{n:014d}"
    item = {
        "amount": {"currency": "EUR", "value": 1130 + n % 1000},
        "eventCode": codes[kind],
        "eventDate": _rfc3339(EVENT_TIME + n),
        "merchantAccountCode": "LocalMerchant",
        "merchantReference": f"order-{n}",
        "originalReference": psp if kind != "completed" else "",
        # Adyen references are 16 characters of [0-9A-Z].
        "pspReference": psp if kind == "completed" else f"99{n:013d}{kind[:1].upper()}",
        "success": "true",
    }
    return {"live": "false", "notificationItems": [{"NotificationRequestItem": item}]}


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def stripe_headers(settings: Mapping[str, str], body: bytes) -> dict[str, str]:
    """``Stripe-Signature: t=...,v1=...``: HMAC-SHA256 over ``t.body`` with the whole secret."""
    stamp = int(time.time())
    mac = hmac.new(settings["secret"].encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return {"Stripe-Signature": f"t={stamp},v1={mac.hexdigest()}"}


def square_headers(settings: Mapping[str, str], body: bytes) -> dict[str, str]:
    """base64(HMAC-SHA256(signature key, notification URL + body))."""
    url = settings["notification_url"].encode()
    return {
        "x-square-hmacsha256-signature": _hmac_b64(settings["signature_key"].encode(), url + body)
    }


def adyen_sign(settings: Mapping[str, str], payload: dict[str, Any]) -> dict[str, Any]:
    """Each item's ``additionalData.hmacSignature`` over Adyen's documented field string."""
    key = bytes.fromhex(settings["hmac_key_hex"])
    for wrapper in payload["notificationItems"]:
        item = wrapper["NotificationRequestItem"]
        fields = [
            item["pspReference"],
            item["originalReference"],
            item["merchantAccountCode"],
            item["merchantReference"],
            str(item["amount"]["value"]),
            item["amount"]["currency"],
            item["eventCode"],
            item["success"],
        ]
        item["additionalData"] = {"hmacSignature": _hmac_b64(key, ":".join(fields).encode())}
    return payload


@dataclass(frozen=True)
class Provider:
    """How to make a provider's deliveries: its events, its signature and demo settings."""

    name: str
    event: Callable[[str, int], dict[str, Any]]
    settings: Mapping[str, str]
    headers: Callable[[Mapping[str, str], bytes], dict[str, str]] = lambda _s, _b: {}
    sign_payload: Callable[[Mapping[str, str], dict[str, Any]], dict[str, Any]] | None = None

    def delivery(self, kind: str, n: int, *, forged: bool = False) -> tuple[bytes, dict[str, str]]:
        """The body and headers of one signed delivery (``forged``: signed with a wrong key)."""
        settings = self.forged_settings() if forged else self.settings
        payload = self.event(kind, n)
        if self.sign_payload:
            payload = self.sign_payload(settings, payload)
        body = json.dumps(payload, separators=(",", ":")).encode()
        return body, {"content-type": "application/json", **self.headers(settings, body)}

    def signed(self, body: bytes) -> dict[str, str]:
        """Headers signing an arbitrary body (the poison); payload-signed providers sign none."""
        return {"content-type": "application/json", **self.headers(self.settings, body)}

    def forged_settings(self) -> dict[str, str]:
        """The settings with every secret changed (a key of the same shape)."""
        return {k: "00" * 32 if k == "hmac_key_hex" else v + "x" for k, v in self.settings.items()}


PROVIDERS: Mapping[str, Provider] = {
    "stripe": Provider(
        "stripe", stripe_event, {"secret": "whsec_local_demo_5f2c1b7e9a"}, stripe_headers
    ),
    "square": Provider(
        "square",
        square_event,
        {
            "signature_key": "sq0wsk-local-demo-key",
            "notification_url": "https://hooks.example.com/webhooks/square",
        },
        square_headers,
    ),
    "adyen": Provider(
        "adyen",
        adyen_event,
        {"hmac_key_hex": "6A" * 32},
        sign_payload=adyen_sign,
    ),
}


def routable() -> dict[str, Provider]:
    """The sample providers the receiver routes and the processor normalises today."""
    from webhook_processor.config import PROVIDER_PARAMETERS
    from webhook_processor.normalize import NORMALIZERS

    return {
        name: provider
        for name, provider in PROVIDERS.items()
        if name in PROVIDER_PARAMETERS and name in NORMALIZERS
    }
