"""The official SDKs as oracles, and a PayPal-like world for the signature tests."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

from webhook_processor.signatures.paypal import PayPalSettings

from . import sigkit

REPO = Path(__file__).resolve().parents[3]
PAYPAL_PYTHON = REPO / ".venv-paypal" / "bin" / "python"
PAYPAL_ORACLE = Path(__file__).with_name("paypal_oracle.py")


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def stripe_sdk_accepts(headers: Mapping[str, str], body: bytes, now: float) -> bool:
    """``stripe.WebhookSignature.verify_header`` at ``now`` with the default 300 s tolerance."""
    import stripe
    import stripe._webhook

    clock = SimpleNamespace(time=lambda: now)
    with mock.patch.object(stripe._webhook, "time", clock):
        try:
            stripe.WebhookSignature.verify_header(
                body, _lower(headers).get("stripe-signature"), sigkit.STRIPE_SECRET, 300
            )
        except Exception:  # SignatureVerificationError, or a parse error it lets escape
            return False
    return True


def square_sdk_accepts(headers: Mapping[str, str], body: bytes) -> bool:
    from square.utils.webhooks_helper import verify_signature

    header = _lower(headers).get("x-square-hmacsha256-signature")
    if header is None:
        return False
    try:
        return verify_signature(
            request_body=body.decode(),
            signature_header=header,
            signature_key=sigkit.SQUARE_KEY,
            notification_url=sigkit.SQUARE_URL,
        )
    except Exception:
        return False


def adyen_sdk_accepts(headers: Mapping[str, str], body: bytes, mode: str) -> bool:
    from Adyen.util import is_valid_hmac_notification, is_valid_hmac_payload

    try:
        if mode == "payload":
            header = _lower(headers).get("hmacsignature")
            return header is not None and is_valid_hmac_payload(header, sigkit.ADYEN_KEY_HEX, body)
        return bool(is_valid_hmac_notification(json.loads(body), sigkit.ADYEN_KEY_HEX))
    except Exception:
        return False


def standard_sdk_accepts(
    headers: Mapping[str, str], body: bytes, now: float, *, use_svix: bool
) -> bool:
    """``standardwebhooks.Webhook.verify`` (or svix's wrapper) with its clock set to ``now``."""
    import standardwebhooks.webhooks
    import svix.webhooks

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:
            return cls.fromtimestamp(now, tz)

    sdk = svix.webhooks.Webhook if use_svix else standardwebhooks.webhooks.Webhook
    with mock.patch.object(standardwebhooks.webhooks, "datetime", Clock):
        try:
            sdk(sigkit.STANDARD_SECRET).verify(body, dict(headers))
        except Exception:
            return False
    return True


@dataclass
class PayPalWorld:
    """A PKI valid now, certificates served per URL, and settings that fetch from them."""

    pki: sigkit.PKI
    now: float
    served: dict[str, str] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def url(self, variant: str) -> str:
        return f"https://api.paypal.com/v1/notifications/certs/CERT-{variant}"

    def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        if url not in self.served:
            raise OSError(url)
        return self.served[url].encode()

    def settings(self, **overrides: Any) -> PayPalSettings:
        fields: dict[str, Any] = {
            "webhook_id": sigkit.PAYPAL_WEBHOOK_ID,
            "trust_store": (self.pki.root,),
            "fetcher": self.fetch,
            **overrides,
        }
        return PayPalSettings(**fields)

    def headers(self, body: bytes, variant: str = "valid", **kw: Any) -> dict[str, str]:
        kw.setdefault("transmission_time", sigkit.iso(self.now))
        kw.setdefault("cert_url", self.url(variant))
        return sigkit.paypal_headers(body, self.pki.leaf_key, **kw)


def sdk_case(name: str, headers: Mapping[str, str], body: bytes, webhook_id: str) -> dict[str, str]:
    """A delivery in the oracle's input format (the SDK takes the body as text)."""
    h = _lower(headers)
    return {
        "name": name,
        "transmission_id": h["paypal-transmission-id"],
        "transmission_time": h["paypal-transmission-time"],
        "webhook_id": webhook_id,
        "body": body.decode(),
        "cert_url": h["paypal-cert-url"],
        "sig": h["paypal-transmission-sig"],
        "auth_algo": h["paypal-auth-algo"],
    }
