"""Helpers shared by the provider normalisers: typed field access, times and amounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from webhook_processor.exceptions import PoisonMessageError

T = TypeVar("T")

# ISO 4217 exponents that differ from 2, as the providers apply them (Stripe and Square send
# minor units already; PayPal sends decimal strings and documents HUF, JPY and TWD as
# zero-decimal).
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "HUF", "ISK", "JPY", "KMF", "KRW", "MGA"), 0),
    **dict.fromkeys(("PYG", "RWF", "TWD", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def field(data: Any, path: str, kind: type[T]) -> T:
    """The value at the dotted ``path`` of ``data``, which must be a ``kind``.

    Raises PoisonMessageError naming the path: a verified event without the fields its type
    documents can never be processed, however often it is retried.
    """
    value = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            msg = f"missing field {path!r}"
            raise PoisonMessageError(msg)
        value = value[part]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        msg = f"field {path!r} is {type(value).__name__}, expected {kind.__name__}"
        raise PoisonMessageError(msg)
    if kind is str and not value:
        msg = f"field {path!r} is empty"
        raise PoisonMessageError(msg)
    return value


def iso_utc(moment: datetime) -> str:
    """``moment`` as ISO-8601 UTC with microseconds and a ``Z`` (sortable as a string)."""
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (OverflowError, ValueError):
        msg = "event time is out of range"
        raise PoisonMessageError(msg) from None


def from_epoch(seconds: int) -> str:
    """An epoch-seconds event time (Stripe's ``created``) as ISO-8601 UTC."""
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, ValueError, OSError):
        msg = f"event time {seconds} is out of range"
        raise PoisonMessageError(msg) from None
    return iso_utc(moment)


def from_rfc3339(text: str) -> str:
    """An RFC 3339 event time (PayPal, Square) as ISO-8601 UTC; it must carry an offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        msg = f"event time {text!r} is not an RFC 3339 time with an offset"
        raise PoisonMessageError(msg)
    return iso_utc(moment)


def currency_code(text: str) -> str:
    """An ISO 4217 alphabetic code, upper case (Stripe sends lower case)."""
    code = text.upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        msg = f"currency {text!r} is not an ISO 4217 code"
        raise PoisonMessageError(msg)
    return code


def minor_units(value: str, currency: str) -> int:
    """A decimal amount string (PayPal's ``"10.99"``) as an integer count of minor units.

    An amount with more decimals than the currency has is refused rather than rounded.
    """
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    scaled = amount.scaleb(_EXPONENTS.get(currency, 2)) if amount.is_finite() else amount
    if not scaled.is_finite() or scaled != scaled.to_integral_value() or scaled < 0:
        msg = f"amount {value!r} is not a non-negative {currency} amount"
        raise PoisonMessageError(msg)
    return int(scaled)


def non_negative(value: int, path: str) -> int:
    """An amount already in minor units (Stripe, Square), which must not be negative."""
    if value < 0:
        msg = f"field {path!r} is negative"
        raise PoisonMessageError(msg)
    return value
