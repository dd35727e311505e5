"""PayPal webhooks (https://developer.paypal.com/api/rest/webhooks/event-names/).

Amounts arrive as decimal strings with a currency code and are converted to minor units.
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
)
from webhook_processor.records import ProviderEvent, Status

PREFIX = "paypal:"


def _refunded_capture(refund: Mapping[str, Any]) -> str:
    """A refund names its capture only through its ``up`` link (``.../captures/<id>``)."""
    for link in refund.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel") == "up":
            href = link.get("href")
            if isinstance(href, str) and "/captures/" in href:
                return href.rstrip("/").rsplit("/", 1)[-1]
    msg = "refund has no 'up' link to its capture"
    raise PoisonMessageError(msg)


def _disputed_capture(dispute: Mapping[str, Any]) -> str:
    transactions = field(dispute, "disputed_transactions", list)
    if not transactions:
        msg = "dispute has no disputed_transactions"
        raise PoisonMessageError(msg)
    return field(transactions[0], "seller_transaction_id", str)


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of a PayPal event, or None for event types that are not stored."""
    event_type = field(payload, "event_type", str)
    resource = field(payload, "resource", dict)
    if event_type == "PAYMENT.CAPTURE.COMPLETED":
        object_id = field(resource, "id", str)
        status, capture, money = Status.COMPLETED, object_id, "amount"
    elif event_type == "PAYMENT.CAPTURE.REFUNDED":
        object_id = field(resource, "id", str)
        status, capture, money = Status.REFUNDED, _refunded_capture(resource), "amount"
    elif event_type == "CUSTOMER.DISPUTE.CREATED":
        object_id = field(resource, "dispute_id", str)
        status, capture, money = Status.DISPUTED, _disputed_capture(resource), "dispute_amount"
    else:
        return None
    currency = currency_code(field(resource, f"{money}.currency_code", str))
    return ProviderEvent(
        transaction_id=PREFIX + capture,
        event_id=field(payload, "id", str),
        event_type=event_type,
        status=status,
        amount=minor_units(field(resource, f"{money}.value", str), currency),
        currency=currency,
        occurred_at=from_rfc3339(field(payload, "create_time", str)),
        object_id=object_id,
    )
