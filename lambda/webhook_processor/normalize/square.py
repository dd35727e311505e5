"""Square webhooks (https://developer.squareup.com/reference/square/webhooks).

Money arrives as ``{"amount": <minor units>, "currency": "USD"}`` in the currency's smallest
denomination, as ISO 4217 counts it. Square sends ``payment.updated`` again whenever a
completed payment changes (fees, refunds): the capture fact is keyed by the payment, so
every repeat is a duplicate of the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhook_processor.normalize._common import (
    currency_code,
    field,
    from_rfc3339,
    optional,
    rescale,
)
from webhook_processor.records import Lifecycle, ProviderEvent

PREFIX = "square:"
_REFUND_STATES = {"COMPLETED": Lifecycle.REFUND_SUCCEEDED, "FAILED": Lifecycle.REFUND_FAILED}
_DISPUTE_STATES = {"WON": Lifecycle.DISPUTE_WON, "LOST": Lifecycle.DISPUTE_LOST,
                   "ACCEPTED": Lifecycle.DISPUTE_LOST}  # fmt: skip


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of a Square event, or None for event types that are not stored.

    A payment that is not COMPLETED, or a refund that is PENDING or REJECTED (never
    accepted, so no money moved), is not stored.
    """
    event_type = field(payload, "type", str)
    refunded_total = None
    if event_type in {"payment.created", "payment.updated"}:
        obj = field(payload, "data.object.payment", dict)
        if field(obj, "status", str) != "COMPLETED":
            return None
        # total_money includes the tip, i.e. what the buyer paid.
        money, payment = "total_money", field(obj, "id", str)
        lifecycle, fact = Lifecycle.PAYMENT_CAPTURED, f"capture#{payment}"
    elif event_type in {"refund.created", "refund.updated"}:
        obj = field(payload, "data.object.refund", dict)
        found = _REFUND_STATES.get(field(obj, "status", str))
        if found is None:
            return None
        lifecycle, money, payment = found, "amount_money", field(obj, "payment_id", str)
        fact = f"refund#{field(obj, 'id', str)}#{lifecycle.value}"
    elif event_type in {"dispute.created", "dispute.state.updated"}:
        obj = field(payload, "data.object.dispute", dict)
        payment, money = field(obj, "disputed_payment.payment_id", str), "amount_money"
        state = optional(obj, "state", str) or "OPENED"
        if event_type == "dispute.created":
            lifecycle = Lifecycle.DISPUTE_OPENED
        else:
            lifecycle = _DISPUTE_STATES.get(state, Lifecycle.DISPUTE_UPDATED)
        dispute = optional(obj, "dispute_id", str) or field(obj, "id", str)
        mark = state if lifecycle is Lifecycle.DISPUTE_UPDATED else lifecycle.value
        fact = f"dispute#{dispute}#{mark}"
    else:
        return None
    currency = currency_code(field(obj, f"{money}.currency", str))
    return ProviderEvent(
        transaction_id=PREFIX + payment,
        fact=fact,
        event_id=field(payload, "event_id", str),
        event_type=event_type,
        lifecycle=lifecycle,
        amount=rescale(field(obj, f"{money}.amount", int), currency, {}),
        currency=currency,
        occurred_at=from_rfc3339(field(payload, "created_at", str)),
        object_id=field(obj, "id", str),
        refunded_total=refunded_total,
    )
