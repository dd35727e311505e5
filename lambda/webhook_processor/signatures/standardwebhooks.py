"""Standard Webhooks (and Svix): HMAC-SHA256 over ``"{id}.{timestamp}.{body}"``.

Headers ``webhook-id``, ``webhook-timestamp``, ``webhook-signature`` (a space-separated list of
``v1,<base64>``); the ``svix-`` names are accepted too and win when both are sent, as in the
svix SDK. The secret is ``whsec_`` + base64 of the key bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webhook_processor.signatures._base import (
    ConfigError,
    Headers,
    HmacSha256,
    Provider,
    Reason,
    Rejected,
    check_freshness,
    header,
    matches_any,
    parse_timestamp,
    require_header,
)
from webhook_processor.signatures._config import Config

SECRET_PREFIX = "whsec_"  # noqa: S105 - a format marker, not a secret


def _b64decode(value: str) -> bytes:
    """Strict base64 (standard alphabet); missing padding is tolerated, any other junk is not."""
    return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)


@dataclass(frozen=True)
class StandardWebhooksSettings:
    key: bytes = field(repr=False)
    tolerance: int = 300
    _mac: HmacSha256 = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_mac", HmacSha256(self.key))

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> StandardWebhooksSettings:
        config = Config("standardwebhooks", raw, frozenset({"secret", "tolerance"}))
        secret = config.text("secret").removeprefix(SECRET_PREFIX)
        try:
            key = _b64decode(secret)
        except (binascii.Error, ValueError):
            key = b""
        if not key:
            msg = "standardwebhooks: setting 'secret' must be whsec_ followed by base64 key bytes"
            raise ConfigError(msg)
        return cls(key, config.seconds("tolerance", default=300))


def _header(headers: Headers, name: str) -> str:
    svix = header(headers, f"svix-{name}")
    return svix if svix is not None else require_header(headers, f"webhook-{name}")


def verify(settings: StandardWebhooksSettings, headers: Headers, body: bytes, now: float) -> None:
    message_id = _header(headers, "id")
    timestamp = _header(headers, "timestamp")
    issued = parse_timestamp(timestamp)
    signatures: list[bytes] = []
    for entry in _header(headers, "signature").split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1":
            try:
                signatures.append(_b64decode(signature))
            except (binascii.Error, ValueError):
                raise Rejected(Reason.MALFORMED_HEADER) from None
    if not signatures:
        raise Rejected(Reason.UNSUPPORTED_ALGORITHM)
    expected = settings._mac.digest(b"%b.%d." % (message_id.encode(), issued), body)
    if not matches_any(expected, signatures):
        raise Rejected(Reason.BAD_SIGNATURE)
    check_freshness(issued, now, settings.tolerance)


PROVIDER = Provider("standardwebhooks", StandardWebhooksSettings.from_config, verify)
