"""Square webhooks (https://developer.squareup.com/reference/square/webhooks).

Money arrives as ``{"amount": <minor units>, "currency": "USD"}``. Payments and refunds send
``*.updated`` events for every state change; only COMPLETED ones are stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhook_processor.normalize._common import (
    currency_code,
    field,
    from_rfc3339,
    non_negative,
)
from webhook_processor.records import ProviderEvent, Status

PREFIX = "square:"
_COMPLETED = "COMPLETED"


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of a Square event, or None for event types that are not stored.

    A refund that is PENDING, FAILED or REJECTED is not (yet) a refund of the payment.
    """
    event_type = field(payload, "type", str)
    if event_type == "payment.updated":
        obj = field(payload, "data.object.payment", dict)
        if field(obj, "status", str) != _COMPLETED:
            return None
        # total_money includes the tip, i.e. what the buyer paid.
        status, money, payment = Status.COMPLETED, "total_money", field(obj, "id", str)
    elif event_type in {"refund.created", "refund.updated"}:
        obj = field(payload, "data.object.refund", dict)
        if field(obj, "status", str) != _COMPLETED:
            return None
        status, money, payment = Status.REFUNDED, "amount_money", field(obj, "payment_id", str)
    elif event_type == "dispute.created":
        obj = field(payload, "data.object.dispute", dict)
        payment = field(obj, "disputed_payment.payment_id", str)
        status, money = Status.DISPUTED, "amount_money"
    else:
        return None
    return ProviderEvent(
        transaction_id=PREFIX + payment,
        event_id=field(payload, "event_id", str),
        event_type=event_type,
        status=status,
        amount=non_negative(field(obj, f"{money}.amount", int), f"{money}.amount"),
        currency=currency_code(field(obj, f"{money}.currency", str)),
        occurred_at=from_rfc3339(field(payload, "created_at", str)),
        object_id=field(obj, "id", str),
    )
