"""Webhook signature verification: Stripe, Square, PayPal, Adyen and Standard Webhooks (Svix).

The receiver trusts nothing until the signature over the *raw* body checks out. Build one
``Verifier`` per provider at cold start from plain settings (SSM parameter values), then call it
per delivery::

    from webhook_processor.signatures import UNAVAILABLE, ConfigError, verifier

    check = verifier("stripe", {"secret": stripe_secret})   # ConfigError on bad settings
    verdict = check(event["headers"], raw_body)             # never raises on any input
    if not verdict:
        logger.warning("rejected", extra={"reason": verdict.reason})  # a Reason, safe to log
        return {"statusCode": 401}

Settings per provider (strings, lists of strings, booleans or "true"/"false", and for numbers,
numbers or decimal strings; values starting ``UNSET:`` are refused):

- ``stripe``: ``secret``, ``tolerance`` (seconds, default 300)
- ``square``: ``signature_key``, ``notification_url`` (exactly as registered with Square)
- ``paypal``: ``webhook_id``, ``trust_store_pems`` (default: system CA bundle),
  ``allowed_cert_url_hosts``, ``cert_host_names`` (default: live PayPal only), ``sandbox``
  (default false; true adds the sandbox hosts and name, and uses PayPal's sandbox API),
  ``tolerance``, ``cert_pems_by_url``, ``max_cert_fetches_per_minute`` (default 10),
  ``client_id`` and ``client_secret`` (REST app credentials; ``UNSET:`` counts as absent),
  ``verification`` (``auto`` (default): ``api`` with both credentials, else ``local``;
  ``api``: the local checks, then PayPal's verify-webhook-signature API; ``local``: the
  local checks only), ``max_api_calls_per_minute`` (default 300)
- ``adyen``: ``hmac_key_hex``, ``mode`` (``notification_item`` or ``payload``)
- ``standardwebhooks``: ``secret`` (``whsec_...``), ``tolerance``

Headers are matched case-insensitively; ``now`` (epoch seconds) can be injected for tests. Typed
settings can be passed to ``Verifier`` directly, e.g. ``Verifier("paypal", PayPalSettings(...,
fetcher=my_fetcher))`` from ``webhook_processor.signatures.paypal``.
Checks run in the order structure, signature, freshness for the HMAC providers, so
``stale_timestamp`` there means an authentic but late (or replayed) delivery; PayPal checks
freshness before it fetches a certificate, and asks PayPal's API (``verification: api``) only
once every local check has passed. A reason in ``UNAVAILABLE`` means "cannot verify now" (the
receiver answers 503, so the provider retries), not "not authentic".
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from webhook_processor.signatures._base import (
    UNAVAILABLE,
    VALID,
    ConfigError,
    Reason,
    Rejected,
    Verdict,
    lowercase_headers,
)
from webhook_processor.signatures.registry import PROVIDERS

__all__ = ["PROVIDERS", "UNAVAILABLE", "ConfigError", "Reason", "Verdict", "Verifier", "verifier"]


class Verifier:
    """One provider's verification, bound to its settings."""

    __slots__ = ("_check", "provider", "settings")

    def __init__(self, provider: str, settings: Any) -> None:
        self.provider = provider
        self.settings = settings
        self._check = PROVIDERS[provider].verify

    def __call__(
        self, headers: Mapping[str, object], body: bytes, *, now: float | None = None
    ) -> Verdict:
        """Verify one delivery: ``headers`` as received (any case), ``body`` the raw bytes."""
        try:
            self._check(
                self.settings,
                lowercase_headers(headers),
                bytes(body),
                time.time() if now is None else now,
            )
        except Rejected as rejected:
            return Verdict(rejected.reason)
        return VALID

    def __repr__(self) -> str:
        return f"Verifier({self.provider!r}, {self.settings!r})"


def verifier(provider: str, settings: Mapping[str, Any]) -> Verifier:
    """A ``Verifier`` for ``provider`` built from plain settings; ``ConfigError`` if unusable."""
    if provider not in PROVIDERS:
        msg = f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}"
        raise ConfigError(msg)
    return Verifier(provider, PROVIDERS[provider].settings(settings))
