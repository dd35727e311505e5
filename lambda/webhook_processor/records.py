"""The transaction record: one row in the table and one message on the topic per fact.

A fact is one thing that happened to a payment (this capture, this refund succeeding, this
dispute reaching this state). Several provider events may report one fact (Stripe's
``charge.succeeded`` and ``payment_intent.succeeded``; Square's repeated ``payment.updated``),
so the record's key derives from the fact, never from the event: the second report is a
duplicate. The contract is ``schemas/transaction-record.schema.json``, documented in
``docs/records.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from enum import StrEnum
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.references import without_issued
from webhook_processor.scrub import REDACTED, scrub_text

SCHEMA_VERSION = 2
# Ten billion in a two-decimal currency: above any real payment, and below the 13 digits at
# which the scrubber could mistake an amount for a card number.
MAX_AMOUNT = 10**12
# Fields that identify a record or a provider object: stored verbatim, never rewritten.
IDENTIFIERS = ("transaction_id", "timestamp", "event_id", "object_id")


class Status(StrEnum):
    """The three outcomes downstream services act on; other events are ignored."""

    COMPLETED = "completed"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


class Lifecycle(StrEnum):
    """What happened, beside the status: the same vocabulary for every provider."""

    PAYMENT_AUTHORISED = "payment_authorised"
    PAYMENT_CAPTURED = "payment_captured"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"
    REFUND_REVERSED = "refund_reversed"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_UPDATED = "dispute_updated"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"
    DISPUTE_FUNDS_WITHDRAWN = "dispute_funds_withdrawn"
    DISPUTE_FUNDS_REINSTATED = "dispute_funds_reinstated"

    @property
    def status(self) -> Status:
        """The status a lifecycle value belongs to (one, fixed)."""
        prefix = self.value.split("_", 1)[0]
        return {"payment": Status.COMPLETED, "refund": Status.REFUNDED}.get(prefix, Status.DISPUTED)


@dataclass(frozen=True)
class ProviderEvent:
    """What a provider normaliser extracts from one event (the provider-independent part).

    ``fact`` names the fact the event reports (``capture:pi_...``, ``refund:re_...:failed``):
    it becomes the record's sort key. ``amount`` is the money of this fact in ISO 4217 minor
    units; ``refunded_total`` is a running total, set only where the provider states one.
    """

    transaction_id: str
    fact: str
    event_id: str
    event_type: str
    lifecycle: Lifecycle
    amount: int
    currency: str
    occurred_at: str
    object_id: str
    refunded_total: int | None = None


@dataclass(frozen=True)
class TransactionRecord:
    """A provider event reduced to what downstream services need, free of cardholder data.

    ``transaction_id`` is provider-prefixed (``stripe:pi_...``) so providers never collide;
    ``timestamp`` (the table's sort key) is the fact, unique per fact and identical for every
    event that reports it, so a second report maps to the same key (idempotency).
    """

    transaction_id: str
    timestamp: str
    provider: str
    event_id: str
    event_type: str
    object_id: str
    status: Status
    lifecycle: Lifecycle
    amount: int
    currency: str
    occurred_at: str
    received_at: str
    correlation_id: str
    refunded_total: int | None = None
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def of(
        cls, provider: str, event: ProviderEvent, *, received_at: str, correlation_id: str
    ) -> TransactionRecord:
        """The record of ``event`` as delivered by ``provider``."""
        fields = asdict(event)
        fact = fields.pop("fact")
        return cls(
            **fields,
            timestamp=fact,
            provider=provider,
            status=event.lifecycle.status,
            received_at=received_at,
            correlation_id=correlation_id,
        )

    def __post_init__(self) -> None:
        for total in (self.amount, self.refunded_total):
            if total is not None and not 0 <= total < MAX_AMOUNT:
                msg = f"amount {total} is outside 0..{MAX_AMOUNT - 1} minor units"
                raise PoisonMessageError(msg)
        for name in IDENTIFIERS:
            value = getattr(self, name)
            # An identifier is never rewritten (a scrubbed id would collide with others), so
            # one that holds a PAN, or was redacted upstream, makes the event unprocessable.
            checked = without_issued(self.provider, value)
            if REDACTED in value or scrub_text(checked) != checked:
                msg = f"{name} {scrub_text(value)!r} holds a card number; refusing the event"
                raise PoisonMessageError(msg)

    @property
    def key(self) -> tuple[str, str]:
        """The table's primary key (hash, range)."""
        return self.transaction_id, self.timestamp

    def key_attributes(self) -> dict[str, dict[str, str]]:
        """The primary key of ``to_item``, for updates."""
        return {"transaction_id": {"S": self.transaction_id}, "timestamp": {"S": self.timestamp}}

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON types; a field without a value is left out.

        Identifiers are kept verbatim (``__post_init__`` refused any that holds a PAN); the
        other strings are scrubbed once more as a last line of defence.
        """
        return {
            name: value if name in IDENTIFIERS or not isinstance(value, str) else scrub_text(value)
            for name, value in asdict(self).items()
            if value is not None
        } | {"status": self.status.value, "lifecycle": self.lifecycle.value}

    def to_message(self) -> str:
        """The SNS message body (compact JSON, keys sorted)."""
        return json.dumps(self.as_dict(), separators=(",", ":"), sort_keys=True)

    def to_item(self) -> dict[str, dict[str, str]]:
        """The DynamoDB item in the low-level attribute-value format."""
        return {
            name: {"N": str(value)} if isinstance(value, int) else {"S": str(value)}
            for name, value in self.as_dict().items()
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Mapping[str, str]]) -> TransactionRecord:
        """The record a table item stores (the inverse of ``to_item``; bookkeeping attributes
        such as ``published_at`` are dropped). ValueError names the key and the field missing."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            attribute = item.get(spec.name, {})
            if "N" in attribute:
                values[spec.name] = int(attribute["N"])
            elif "S" in attribute:
                values[spec.name] = attribute["S"]
            elif spec.default is MISSING:
                key = item.get("transaction_id", {}).get("S", "?")
                msg = f"item {key} lacks the record field {spec.name}"
                raise ValueError(msg)
        values["status"] = Status(values["status"])
        values["lifecycle"] = Lifecycle(values["lifecycle"])
        return cls(**values)

    def message_attributes(self) -> dict[str, dict[str, str]]:
        """SNS message attributes for subscription filter policies."""
        strings = ("provider", "status", "lifecycle", "currency")
        return {
            **{
                name: {"DataType": "String", "StringValue": str(getattr(self, name))}
                for name in strings
            },
            "amount": {"DataType": "Number", "StringValue": str(self.amount)},
            "schema_version": {"DataType": "Number", "StringValue": str(self.schema_version)},
        }
