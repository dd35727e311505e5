"""Helpers shared by the provider normalisers: typed field access, times and amounts.

Every helper either returns a value of the documented type or raises PoisonMessageError, for
any JSON input: that is what keeps each normaliser total.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from iso4217 import Currency

from webhook_processor.exceptions import PoisonMessageError

T = TypeVar("T")


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


def optional(data: Any, path: str, kind: type[T]) -> T | None:
    """Like :func:`field`, but None when the path is absent or null (a field that older API
    versions do not render); a present value of the wrong type is still poison."""
    value = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or value.get(part) is None:
            return None
        value = value[part]
    return field(data, path, kind)


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
    """An RFC 3339 event time (PayPal, Square, Adyen) as ISO-8601 UTC; it must carry an offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        msg = f"event time {text!r} is not an RFC 3339 time with an offset"
        raise PoisonMessageError(msg)
    return iso_utc(moment)


def exponent(code: str) -> int:
    """The ISO 4217 minor-unit exponent of ``code``, from the ``iso4217`` package's copy of
    the standard's table (no hand-typed list to fall out of date)."""
    try:
        digits = Currency(code).exponent
    except ValueError:
        digits = None
    if digits is None:
        msg = f"currency {code!r} is not an ISO 4217 currency with minor units"
        raise PoisonMessageError(msg)
    return digits


def currency_code(text: str) -> str:
    """An ISO 4217 alphabetic code, upper case (Stripe sends lower case)."""
    code = text.upper()
    exponent(code)
    return code


def minor_units(value: str, currency: str) -> int:
    """A decimal amount string (PayPal's ``"10.99"``) as an integer count of ISO minor units.

    An amount with more decimals than the currency has is refused rather than rounded.
    """
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    return _whole(amount.scaleb(exponent(currency)) if amount.is_finite() else amount, value,
                  currency)  # fmt: skip


def rescale(value: int, currency: str, provider_exponents: Mapping[str, int]) -> int:
    """A provider's minor units as ISO 4217 minor units.

    ``provider_exponents`` lists the currencies whose decimals the provider documents
    differently from ISO 4217 (Stripe counts ISK in hundredths; Adyen counts CLP and ISK in
    hundredths and CVE and IDR in whole units); every other currency is ISO's already.
    """
    if value < 0:
        msg = f"amount {value} is negative"
        raise PoisonMessageError(msg)
    iso = exponent(currency)
    scaled = Decimal(value).scaleb(iso - provider_exponents.get(currency, iso))
    return _whole(scaled, str(value), currency)


def _whole(scaled: Decimal, value: str, currency: str) -> int:
    if not scaled.is_finite() or scaled != scaled.to_integral_value() or scaled < 0:
        msg = f"amount {value!r} is not a non-negative {currency} amount"
        raise PoisonMessageError(msg)
    return int(scaled)
