"""Stripe: ``Stripe-Signature: t=<epoch>,v1=<hex>[,v1=<hex>...]`` over ``"{t}.{raw body}"``.

HMAC-SHA256 keyed with the whole endpoint secret (``whsec_...`` included). Any ``v1`` may match:
Stripe sends one per active secret while a secret is being rolled. Unlike ``verify_header`` the
timestamp is mandatory ASCII digits and a timestamp too far in the future is rejected too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webhook_processor.signatures._base import (
    Headers,
    HmacSha256,
    Provider,
    Reason,
    Rejected,
    check_freshness,
    matches_any,
    parse_timestamp,
    require_header,
)
from webhook_processor.signatures._config import Config

HEADER = "stripe-signature"


@dataclass(frozen=True)
class StripeSettings:
    secret: str = field(repr=False)
    tolerance: int = 300
    _mac: HmacSha256 = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_mac", HmacSha256(self.secret.encode()))

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> StripeSettings:
        config = Config("stripe", raw, frozenset({"secret", "tolerance"}))
        return cls(config.text("secret"), config.seconds("tolerance", default=300))


def verify(settings: StripeSettings, headers: Headers, body: bytes, now: float) -> None:
    timestamp: str | None = None
    signatures: list[bytes] = []
    for item in require_header(headers, HEADER).split(","):
        key, _, value = item.partition("=")
        if key == "t":
            if timestamp is not None:
                raise Rejected(Reason.MALFORMED_HEADER)
            timestamp = value
        elif key == "v1":
            signatures.append(value.encode())
    if timestamp is None:
        raise Rejected(Reason.MALFORMED_HEADER)
    issued = parse_timestamp(timestamp)
    if not signatures:
        raise Rejected(Reason.UNSUPPORTED_ALGORITHM)
    expected = settings._mac.digest(b"%d." % issued, body).hex().encode()
    if not matches_any(expected, signatures):
        raise Rejected(Reason.BAD_SIGNATURE)
    check_freshness(issued, now, settings.tolerance)


PROVIDER = Provider("stripe", StripeSettings.from_config, verify)
