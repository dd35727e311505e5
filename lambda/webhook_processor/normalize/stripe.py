"""Stripe events (https://docs.stripe.com/api/events/types).

Amounts arrive in Stripe's minor units, which are ISO 4217's except where Stripe's currency
page (https://docs.stripe.com/currencies#special-cases) says otherwise: ISK is sent with two
decimals for backwards compatibility though ISO 4217 gives it none. Events rendered for older
API versions lack fields that later versions added (``amount_captured``, ``latest_charge``,
``charge.refunds``): each is read only where present. Before 2014-06-17
(https://docs.stripe.com/changelog/2014-06-17/invoices-include-refunds-sublist-refunds-field)
``charge.refunds`` is a plain array rather than a list object with ``data``, and the oldest
renderings give its refunds no ``id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize._common import (
    currency_code,
    field,
    from_epoch,
    optional,
    rescale,
)
from webhook_processor.records import Lifecycle, ProviderEvent

PREFIX = "stripe:"
EXPONENTS = {"ISK": 2}
"""Stripe's decimals where they differ from ISO 4217's."""

_CAPTURES = {"payment_intent.succeeded", "charge.succeeded", "charge.captured"}
_REFUND_UPDATES = {"charge.refund.updated", "refund.updated", "refund.failed"}
_REFUND_OUTCOMES = {"failed": Lifecycle.REFUND_FAILED, "canceled": Lifecycle.REFUND_REVERSED}
_DISPUTE_EVENTS = {
    "charge.dispute.created": Lifecycle.DISPUTE_OPENED,
    "charge.dispute.updated": Lifecycle.DISPUTE_UPDATED,
    "charge.dispute.closed": Lifecycle.DISPUTE_UPDATED,  # refined by the dispute's status
    "charge.dispute.funds_withdrawn": Lifecycle.DISPUTE_FUNDS_WITHDRAWN,
    "charge.dispute.funds_reinstated": Lifecycle.DISPUTE_FUNDS_REINSTATED,
}
# A closed dispute's status says who won; an inquiry closed without a chargeback
# (warning_closed) or one prevented by a refund leaves the money with the merchant.
_CLOSED = {
    "won": Lifecycle.DISPUTE_WON,
    "warning_closed": Lifecycle.DISPUTE_WON,
    "prevented": Lifecycle.DISPUTE_WON,
    "lost": Lifecycle.DISPUTE_LOST,
}


def _intent(obj: Mapping[str, Any]) -> str | None:
    """The PaymentIntent a charge, refund or dispute belongs to (id or expanded object)."""
    intent = obj.get("payment_intent")
    if isinstance(intent, Mapping):
        intent = intent.get("id")
    return intent if isinstance(intent, str) and intent else None


def _amount(obj: Mapping[str, Any], path: str, currency: str) -> int:
    return rescale(field(obj, path, int), currency, EXPONENTS)


def _capture(event_type: str, obj: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(payment, capture amount field, object id) of a capture, or None for an authorisation.

    The capture fact is keyed by the PaymentIntent when there is one, so the intent's and its
    charge's events report the same fact; a charge without an intent stands for itself.
    """
    object_id = field(obj, "id", str)
    if event_type == "payment_intent.succeeded":
        return object_id, "amount_received", object_id
    if obj.get("captured") is not True:
        return None  # authorised only: charge.captured or payment_intent.succeeded follows
    amount = "amount_captured" if "amount_captured" in obj else "amount"  # before 2019-ish
    return _intent(obj) or object_id, amount, object_id


def _latest_refund(charge: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The newest refund a ``charge.refunded`` lists: in a list object (``refunds.data``,
    2014-06-17 until 2022-11-15, and expansions since) or a plain array (earlier versions)."""
    refunds = charge.get("refunds")
    if not isinstance(refunds, list):
        refunds = optional(charge, "refunds.data", list)
    candidates = [r for r in refunds or [] if isinstance(r, Mapping)]
    if not candidates:
        return None
    return max(candidates, key=_created)


def _created(obj: Mapping[str, Any]) -> int:
    created = obj.get("created")
    return created if type(created) is int else 0


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of a Stripe event, or None for event types that are not stored."""
    event_type = field(payload, "type", str)
    obj = field(payload, "data.object", dict)
    refunded_total = None
    source: Mapping[str, Any]
    if event_type in _CAPTURES:
        found = _capture(event_type, obj)
        if found is None:
            return None
        payment, amount_path, object_id = found
        lifecycle, fact, source = Lifecycle.PAYMENT_CAPTURED, f"capture#{payment}", obj
    elif event_type == "charge.refunded":
        payment = _intent(obj) or field(obj, "id", str)
        source = _latest_refund(obj) or {}
        currency = currency_code(field(obj, "currency", str))
        refunded_total = _amount(obj, "amount_refunded", currency)
        if source:  # a refund without an id (oldest versions) is named by the charge below
            object_id = optional(source, "id", str) or field(obj, "id", str)
            amount_path = "amount"
        else:  # no refund list: this refund is the growth of the running total
            previous = optional(payload, "data.previous_attributes.amount_refunded", int)
            if previous is None:
                msg = "charge.refunded lists no refund and no previous amount_refunded"
                raise PoisonMessageError(msg)
            source = {"amount": field(obj, "amount_refunded", int) - previous,
                      "currency": obj["currency"]}  # fmt: skip
            object_id, amount_path = field(obj, "id", str), "amount"
        lifecycle = Lifecycle.REFUND_SUCCEEDED
        # Without a refund id, the running total after this refund names it uniquely.
        refund = object_id if source.get("id") else f"{object_id}@{refunded_total}"
        fact = f"refund#{refund}#succeeded"
    elif event_type in _REFUND_UPDATES:
        lifecycle_or_none = _REFUND_OUTCOMES.get(field(obj, "status", str))
        if lifecycle_or_none is None:
            return None  # pending or succeeded: charge.refunded reported it
        lifecycle, object_id = lifecycle_or_none, field(obj, "id", str)
        source, amount_path = obj, "amount"
        payment = _intent(obj) or field(obj, "charge", str)
        fact = f"refund#{object_id}#{lifecycle.value}"
    elif event_type in _DISPUTE_EVENTS:
        lifecycle = _DISPUTE_EVENTS[event_type]
        status = field(obj, "status", str)
        if event_type == "charge.dispute.closed":
            lifecycle = _CLOSED.get(status, Lifecycle.DISPUTE_UPDATED)
        object_id, source, amount_path = field(obj, "id", str), obj, "amount"
        payment = _intent(obj) or field(obj, "charge", str)
        state = status if lifecycle is Lifecycle.DISPUTE_UPDATED else lifecycle.value
        fact = f"dispute#{object_id}#{state}"
    else:
        return None
    currency = currency_code(field(source, "currency", str))
    return ProviderEvent(
        transaction_id=PREFIX + payment,
        fact=fact,
        event_id=field(payload, "id", str),
        event_type=event_type,
        lifecycle=lifecycle,
        amount=_amount(source, amount_path, currency),
        currency=currency,
        occurred_at=from_epoch(field(payload, "created", int)),
        object_id=object_id,
        refunded_total=refunded_total,
    )
