"""Turn a provider's event into a :class:`TransactionRecord` (pure functions, no AWS).

Each provider module exposes ``normalize(payload) -> ProviderEvent | None``; None means the
event type is not one the table stores (acknowledged and logged as ignored). Adding a provider
is one module and one line in ``NORMALIZERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import adyen, paypal, square, stripe
from webhook_processor.records import ProviderEvent, TransactionRecord

__all__ = ["NORMALIZERS", "ProviderEvent", "normalize"]

NORMALIZERS: Mapping[str, Callable[[Mapping[str, Any]], ProviderEvent | None]] = {
    "adyen": adyen.normalize,
    "paypal": paypal.normalize,
    "square": square.normalize,
    "stripe": stripe.normalize,
}


def normalize(
    provider: str, payload: Any, *, received_at: str, correlation_id: str
) -> TransactionRecord | None:
    """The record for one verified event, or None when its type is not stored.

    Total over its input: for any JSON value the result is a record, None, or
    PoisonMessageError (the payload lacks what its event type documents, or an identifier
    holds a card number).
    """
    normalizer = NORMALIZERS.get(provider)
    if normalizer is None:
        msg = f"no normaliser for provider {provider!r}"
        raise PoisonMessageError(msg)
    if not isinstance(payload, Mapping):
        msg = f"payload is {type(payload).__name__}, expected an object"
        raise PoisonMessageError(msg)
    event = normalizer(payload)
    if event is None:
        return None
    return TransactionRecord.of(
        provider, event, received_at=received_at, correlation_id=correlation_id
    )
