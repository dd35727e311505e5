"""PayPal webhooks (https://developer.paypal.com/api/rest/webhooks/event-names/).

Payments v2 (captures) and v1 (sales, which every subscription payment is) both report money as
decimal strings, converted to ISO 4217 minor units; PayPal documents HUF, JPY and TWD as
currencies without decimals, and a whole amount in them converts by ISO's exponent like any
other. A reversal (money PayPal takes back after a chargeback) may carry a negative amount:
its magnitude is the money withdrawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize._common import (
    currency_code,
    field,
    from_rfc3339,
    minor_units,
    optional,
)
from webhook_processor.records import Lifecycle, ProviderEvent

PREFIX = "paypal:"
_DISPUTES = {
    "CUSTOMER.DISPUTE.CREATED": Lifecycle.DISPUTE_OPENED,
    "CUSTOMER.DISPUTE.UPDATED": Lifecycle.DISPUTE_UPDATED,
    "CUSTOMER.DISPUTE.RESOLVED": Lifecycle.DISPUTE_UPDATED,  # refined by the outcome
}
# dispute_outcome.outcome_code: who keeps the money. With a payout, PayPal paid the buyer.
_OUTCOMES = {
    "RESOLVED_SELLER_FAVOUR": Lifecycle.DISPUTE_WON,
    "CANCELED_BY_BUYER": Lifecycle.DISPUTE_WON,
    "DENIED": Lifecycle.DISPUTE_WON,
    "RESOLVED_WITH_PAYOUT": Lifecycle.DISPUTE_WON,
    "RESOLVED_BUYER_FAVOUR": Lifecycle.DISPUTE_LOST,
    "ACCEPTED": Lifecycle.DISPUTE_LOST,
}


def _up_capture(resource: Mapping[str, Any]) -> str | None:
    """A v2 refund names its capture only through its ``up`` link (``.../captures/<id>``)."""
    for link in optional(resource, "links", list) or []:
        if isinstance(link, Mapping) and link.get("rel") == "up":
            href = link.get("href")
            if isinstance(href, str) and "/captures/" in href:
                return href.rstrip("/").rsplit("/", 1)[-1] or None
    return None


def _refunded_capture(refund: Mapping[str, Any]) -> str:
    capture = _up_capture(refund)
    if capture is None:
        msg = "refund has no 'up' link to its capture"
        raise PoisonMessageError(msg)
    return capture


def _disputed_capture(dispute: Mapping[str, Any]) -> str:
    transactions = field(dispute, "disputed_transactions", list)
    if not transactions:
        msg = "dispute has no disputed_transactions"
        raise PoisonMessageError(msg)
    return field(transactions[0], "seller_transaction_id", str)


def _money(resource: Mapping[str, Any], path: str, *, v1: bool) -> tuple[int, str]:
    """(ISO minor units, currency) of a v2 ``{currency_code, value}`` or v1 ``{currency,
    total}`` object; a leading minus (reversals) is dropped."""
    value_key, currency_key = ("total", "currency") if v1 else ("value", "currency_code")
    currency = currency_code(field(resource, f"{path}.{currency_key}", str))
    value = field(resource, f"{path}.{value_key}", str)
    return minor_units(value.removeprefix("-"), currency), currency


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of a PayPal event, or None for event types that are not stored."""
    event_type = field(payload, "event_type", str)
    resource = field(payload, "resource", dict)
    refunded_total = None
    v1 = event_type.startswith("PAYMENT.SALE.")
    money = "amount"
    if event_type in {"PAYMENT.CAPTURE.COMPLETED", "PAYMENT.SALE.COMPLETED"}:
        object_id = field(resource, "id", str)
        payment, lifecycle, fact = object_id, Lifecycle.PAYMENT_CAPTURED, f"capture#{object_id}"
    elif event_type in {"PAYMENT.CAPTURE.REFUNDED", "PAYMENT.SALE.REFUNDED"}:
        object_id = field(resource, "id", str)
        payment = field(resource, "sale_id", str) if v1 else _refunded_capture(resource)
        lifecycle, fact = Lifecycle.REFUND_SUCCEEDED, f"refund#{object_id}#succeeded"
        total = "seller_payable_breakdown.total_refunded_amount"  # v2 states a running total
        if not v1 and optional(resource, total, dict) is not None:
            refunded_total = _money(resource, total, v1=False)[0]
    elif event_type in {"PAYMENT.CAPTURE.REVERSED", "PAYMENT.SALE.REVERSED"}:
        object_id = field(resource, "id", str)
        linked = optional(resource, "sale_id", str) if v1 else _up_capture(resource)
        payment = linked or object_id
        lifecycle = Lifecycle.DISPUTE_FUNDS_WITHDRAWN
        fact = f"reversal#{object_id}#{lifecycle.value}"
    elif event_type in _DISPUTES:
        object_id = field(resource, "dispute_id", str)
        payment, money = _disputed_capture(resource), "dispute_amount"
        lifecycle = _DISPUTES[event_type]
        if event_type == "CUSTOMER.DISPUTE.RESOLVED":
            outcome = optional(resource, "dispute_outcome.outcome_code", str)
            lifecycle = _OUTCOMES.get(outcome or "", Lifecycle.DISPUTE_UPDATED)
        state = (
            field(resource, "status", str)
            if lifecycle is Lifecycle.DISPUTE_UPDATED
            else lifecycle.value
        )
        fact = f"dispute#{object_id}#{state}"
    else:
        return None
    amount, currency = _money(resource, money, v1=v1)
    return ProviderEvent(
        transaction_id=PREFIX + payment,
        fact=fact,
        event_id=field(payload, "id", str),
        event_type=event_type,
        lifecycle=lifecycle,
        amount=amount,
        currency=currency,
        occurred_at=from_rfc3339(field(payload, "create_time", str)),
        object_id=object_id,
        refunded_total=refunded_total,
    )
