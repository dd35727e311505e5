"""Stripe events (https://docs.stripe.com/api/events): amounts arrive in minor units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhook_processor.normalize._common import (
    currency_code,
    field,
    from_epoch,
    non_negative,
)
from webhook_processor.records import ProviderEvent, Status

PREFIX = "stripe:"


def _transaction(obj: Mapping[str, Any], own_id: str) -> str:
    """Charges and disputes belong to their PaymentIntent when they have one."""
    intent = obj.get("payment_intent")
    if isinstance(intent, Mapping):  # expanded object
        intent = intent.get("id")
    return PREFIX + (intent if isinstance(intent, str) and intent else own_id)


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of a Stripe event, or None for event types that are not stored.

    A ``charge.succeeded`` that only authorised (``captured`` false) is not a completed
    payment yet: ``payment_intent.succeeded`` reports it once captured.
    """
    event_type = field(payload, "type", str)
    obj = field(payload, "data.object", dict)
    if event_type == "payment_intent.succeeded":
        status, amount_path, object_id = Status.COMPLETED, "amount_received", field(obj, "id", str)
        transaction_id = PREFIX + object_id
    elif event_type == "charge.succeeded":
        if obj.get("captured") is not True:
            return None
        status, amount_path, object_id = Status.COMPLETED, "amount_captured", field(obj, "id", str)
        transaction_id = _transaction(obj, object_id)
    elif event_type == "charge.refunded":
        # Cumulative: a second partial refund reports the total refunded so far.
        status, amount_path, object_id = Status.REFUNDED, "amount_refunded", field(obj, "id", str)
        transaction_id = _transaction(obj, object_id)
    elif event_type == "charge.dispute.created":
        status, amount_path, object_id = Status.DISPUTED, "amount", field(obj, "id", str)
        transaction_id = _transaction(obj, field(obj, "charge", str))
    else:
        return None
    return ProviderEvent(
        transaction_id=transaction_id,
        event_id=field(payload, "id", str),
        event_type=event_type,
        status=status,
        amount=non_negative(field(obj, amount_path, int), amount_path),
        currency=currency_code(field(obj, "currency", str)),
        occurred_at=from_epoch(field(payload, "created", int)),
        object_id=object_id,
    )
