"""Square: ``x-square-hmacsha256-signature`` = base64(HMAC-SHA256(key, notification URL + body)).

The URL is the one registered with Square, taken from configuration: rebuilding it from the
request would let a proxy or a forged Host header change what is verified. Square signs no
timestamp, so replays are stopped downstream by de-duplicating on ``event_id``. The legacy SHA-1
header (``x-square-signature``) is refused.
"""

from __future__ import annotations

import hmac
from binascii import b2a_base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from webhook_processor.signatures._base import (
    ConfigError,
    Headers,
    HmacSha256,
    Provider,
    Reason,
    Rejected,
    header,
    require_header,
)
from webhook_processor.signatures._config import Config

HEADER = "x-square-hmacsha256-signature"
LEGACY_HEADER = "x-square-signature"


@dataclass(frozen=True)
class SquareSettings:
    signature_key: str = field(repr=False)
    notification_url: str
    _mac: HmacSha256 = field(init=False, repr=False)

    def __post_init__(self) -> None:
        mac = HmacSha256(self.signature_key.encode(), prefix=self.notification_url.encode())
        object.__setattr__(self, "_mac", mac)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> SquareSettings:
        config = Config("square", raw, frozenset({"signature_key", "notification_url"}))
        url = config.text("notification_url")
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            msg = "square: setting 'notification_url' must be the registered https:// URL"
            raise ConfigError(msg)
        return cls(config.text("signature_key"), url)


def verify(settings: SquareSettings, headers: Headers, body: bytes, now: float) -> None:
    del now  # Square signs no timestamp
    if HEADER not in headers:
        legacy = header(headers, LEGACY_HEADER) is not None
        raise Rejected(Reason.UNSUPPORTED_ALGORITHM if legacy else Reason.MISSING_HEADER)
    signature = require_header(headers, HEADER)
    if not body:
        raise Rejected(Reason.MALFORMED_BODY)
    expected = b2a_base64(settings._mac.digest(body), newline=False)
    if not hmac.compare_digest(expected, signature.encode()):
        raise Rejected(Reason.BAD_SIGNATURE)


PROVIDER = Provider("square", SquareSettings.from_config, verify)
