"""Adyen standard notifications (https://docs.adyen.com/development-resources/webhooks/).

The receiver splits a notification batch into one message per ``NotificationRequestItem``
(each signed on its own), so this normaliser sees one item. Amounts arrive in Adyen's minor
units, which are ISO 4217's except where Adyen's currency page
(https://docs.adyen.com/development-resources/currency-codes/) says "differs from standard".
An item whose ``success`` is not "true" reports an operation that did not happen: ignored.

Only an ``AUTHORISATION`` item is the payment itself; every other stored code (modifications
and disputes) names its payment in ``originalReference``. Without it the item cannot be tied
to a payment, so it is poison rather than a record under a reference of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize._common import (
    currency_code,
    field,
    from_rfc3339,
    optional,
    rescale,
)
from webhook_processor.records import Lifecycle, ProviderEvent

PREFIX = "adyen:"
EXPONENTS = {"CLP": 2, "CVE": 0, "IDR": 0, "ISK": 2}
"""Adyen's decimals where they differ from ISO 4217's."""

_EVENTS = {
    "AUTHORISATION": Lifecycle.PAYMENT_AUTHORISED,
    "CAPTURE": Lifecycle.PAYMENT_CAPTURED,
    "REFUND": Lifecycle.REFUND_SUCCEEDED,
    "CANCEL_OR_REFUND": Lifecycle.REFUND_SUCCEEDED,
    "REFUND_FAILED": Lifecycle.REFUND_FAILED,
    "REFUNDED_REVERSED": Lifecycle.REFUND_REVERSED,
    "NOTIFICATION_OF_CHARGEBACK": Lifecycle.DISPUTE_OPENED,
    "CHARGEBACK": Lifecycle.DISPUTE_FUNDS_WITHDRAWN,
    "SECOND_CHARGEBACK": Lifecycle.DISPUTE_LOST,
    "CHARGEBACK_REVERSED": Lifecycle.DISPUTE_FUNDS_REINSTATED,
}


def normalize(payload: Mapping[str, Any]) -> ProviderEvent | None:
    """The record fields of one Adyen ``NotificationRequestItem`` (or of a one-item
    notification), or None for event codes that are not stored."""
    item = payload
    wrappers = optional(payload, "notificationItems", list)
    if wrappers is not None:
        if len(wrappers) != 1:
            msg = f"notification carries {len(wrappers)} items; expected one"
            raise PoisonMessageError(msg)
        item = field(wrappers[0], "NotificationRequestItem", dict)
    event_code = field(item, "eventCode", str)
    lifecycle = _EVENTS.get(event_code)
    if lifecycle is None or field(item, "success", str) != "true":
        return None
    if event_code == "CANCEL_OR_REFUND":
        # additionalData keys are flat, dots included ("modification.action").
        additional = item.get("additionalData")
        if isinstance(additional, Mapping) and additional.get("modification.action") == "cancel":
            return None  # an authorisation cancelled before capture: no money moved
    psp = field(item, "pspReference", str)
    if lifecycle is Lifecycle.PAYMENT_AUTHORISED:
        payment = psp
    else:
        payment = optional(item, "originalReference", str) or ""
        if not payment:
            msg = f"{event_code} item has no originalReference: its payment is unknown"
            raise PoisonMessageError(msg)
    currency = currency_code(field(item, "amount.currency", str))
    return ProviderEvent(
        transaction_id=PREFIX + payment,
        fact=f"{lifecycle.value}#{psp}",
        # Adyen items have no event id: the item's own reference and code identify it.
        event_id=f"{psp}:{event_code}",
        event_type=event_code,
        lifecycle=lifecycle,
        amount=rescale(field(item, "amount.value", int), currency, EXPONENTS),
        currency=currency,
        occurred_at=from_rfc3339(field(item, "eventDate", str)),
        object_id=psp,
    )
