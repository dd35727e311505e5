"""Turn a provider's event into a :class:`TransactionRecord` (pure functions, no AWS).

Each provider module exposes ``normalize(payload) -> ProviderEvent | None``; None means the
event type is not one the table stores (acknowledged and logged as ignored). Adding a provider
is one module and one line in ``NORMALIZERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import paypal, square, stripe
from webhook_processor.records import ProviderEvent, TransactionRecord

__all__ = ["NORMALIZERS", "ProviderEvent", "normalize"]

NORMALIZERS: Mapping[str, Callable[[Mapping[str, Any]], ProviderEvent | None]] = {
    "paypal": paypal.normalize,
    "square": square.normalize,
    "stripe": stripe.normalize,
}


def normalize(
    provider: str, payload: Any, *, received_at: str, correlation_id: str
) -> TransactionRecord | None:
    """The record for one verified event, or None when its type is not stored.

    Raises PoisonMessageError when the payload lacks what its event type documents.
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
    return TransactionRecord(
        **asdict(event),
        timestamp=f"{event.occurred_at}#{event.event_id}",
        provider=provider,
        received_at=received_at,
        correlation_id=correlation_id,
    )
