"""Adyen: HMAC-SHA256 with the hex-decoded key, base64-encoded, in one of two documented forms.

- ``notification_item`` (standard notifications): each ``NotificationRequestItem`` carries
  ``additionalData.hmacSignature`` over ``pspReference:originalReference:merchantAccountCode:
  merchantReference:amount.value:amount.currency:eventCode:success``. Every item of the batch is
  checked: the official SDK checks only the first, so a forged item appended to a genuine batch
  would pass it. An absent or null field signs as the empty string (as Adyen's Java library does;
  the Python SDK writes ``None``).
- ``payload`` (Management, Balance Platform and other webhooks): the ``HmacSignature`` header
  over the raw body.
"""

from __future__ import annotations

import hmac
import json
from binascii import b2a_base64
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
    require_header,
)
from webhook_processor.signatures._config import Config

HEADER = "hmacsignature"
MODES = ("notification_item", "payload")
_FIELDS = ("pspReference", "originalReference", "merchantAccountCode", "merchantReference")
_TRAILING_FIELDS = ("eventCode", "success")


@dataclass(frozen=True)
class AdyenSettings:
    hmac_key: bytes = field(repr=False)
    mode: str = "notification_item"
    _mac: HmacSha256 = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_mac", HmacSha256(self.hmac_key))

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> AdyenSettings:
        config = Config("adyen", raw, frozenset({"hmac_key_hex", "mode"}))
        key_hex = config.text("hmac_key_hex")
        try:
            key = bytes.fromhex(key_hex)
        except ValueError:
            msg = "adyen: setting 'hmac_key_hex' must be the hex key from the Customer Area"
            raise ConfigError(msg) from None
        return cls(key, config.choice("mode", MODES))


def _field(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Rejected(Reason.MALFORMED_BODY)


def _signing_string(item: Mapping[str, Any]) -> bytes:
    """The documented ``:``-joined fields of one ``NotificationRequestItem``, as UTF-8."""
    amount = item.get("amount")
    if not isinstance(amount, Mapping):
        raise Rejected(Reason.MALFORMED_BODY)
    fields = [_field(item, name) for name in _FIELDS]
    fields += [_field(amount, "value"), _field(amount, "currency")]
    fields += [_field(item, name) for name in _TRAILING_FIELDS]
    try:
        return ":".join(fields).encode()
    except UnicodeEncodeError:  # a lone surrogate escaped in the JSON: no signer produced it
        raise Rejected(Reason.MALFORMED_BODY) from None


def _items(body: bytes) -> list[Mapping[str, Any]]:
    try:
        notification = json.loads(body)
    except (ValueError, RecursionError):
        raise Rejected(Reason.MALFORMED_BODY) from None
    wrappers = notification.get("notificationItems") if isinstance(notification, dict) else None
    if not isinstance(wrappers, list) or not wrappers:
        raise Rejected(Reason.MALFORMED_BODY)
    items: list[Mapping[str, Any]] = []
    for wrapper in wrappers:
        item = wrapper.get("NotificationRequestItem") if isinstance(wrapper, dict) else None
        if not isinstance(item, dict):
            raise Rejected(Reason.MALFORMED_BODY)
        items.append(item)
    return items


def _verify_items(mac: HmacSha256, body: bytes) -> None:
    valid = True
    for item in _items(body):
        additional = item.get("additionalData")
        signature = additional.get("hmacSignature") if isinstance(additional, dict) else None
        if not isinstance(signature, str) or not signature:
            raise Rejected(Reason.MISSING_SIGNATURE)
        expected = b2a_base64(mac.digest(_signing_string(item)), newline=False)
        valid &= signature.isascii() and hmac.compare_digest(expected, signature.encode())
    if not valid:
        raise Rejected(Reason.BAD_SIGNATURE)


def verify(settings: AdyenSettings, headers: Headers, body: bytes, now: float) -> None:
    del now  # Adyen signs no timestamp
    if settings.mode == "notification_item":
        _verify_items(settings._mac, body)
        return
    signature = require_header(headers, HEADER)
    expected = b2a_base64(settings._mac.digest(body), newline=False)
    if not hmac.compare_digest(expected, signature.encode()):
        raise Rejected(Reason.BAD_SIGNATURE)


PROVIDER = Provider("adyen", AdyenSettings.from_config, verify)
