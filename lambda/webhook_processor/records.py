"""The transaction record: one row in the table and one message on the topic per event.

A record is the provider-independent event a normaliser extracts plus its key and delivery.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.scrub import scrub

# Ten billion in a two-decimal currency: above any real payment, and below the 13 digits at
# which the scrubber could mistake an amount for a card number.
MAX_AMOUNT = 10**12


class Status(StrEnum):
    """The three outcomes downstream services act on; other events are ignored."""

    COMPLETED = "completed"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class ProviderEvent:
    """What a provider normaliser extracts from one event (the provider-independent part)."""

    transaction_id: str
    event_id: str
    event_type: str
    status: Status
    amount: int
    currency: str
    occurred_at: str
    object_id: str


@dataclass(frozen=True)
class TransactionRecord(ProviderEvent):
    """A provider event reduced to what downstream services need, free of cardholder data.

    ``transaction_id`` is provider-prefixed (``stripe:pi_...``) so providers never collide;
    ``timestamp`` is the provider's event time plus the event id, so two events of one
    transaction never collide and a redelivered event maps to the same key (idempotency).
    """

    timestamp: str
    provider: str
    received_at: str
    correlation_id: str

    def __post_init__(self) -> None:
        if not 0 <= self.amount < MAX_AMOUNT:
            msg = f"amount {self.amount} is outside 0..{MAX_AMOUNT - 1} minor units"
            raise PoisonMessageError(msg)

    @property
    def key(self) -> tuple[str, str]:
        """The table's primary key (hash, range)."""
        return self.transaction_id, self.timestamp

    def key_attributes(self) -> dict[str, dict[str, str]]:
        """The primary key of ``to_item`` (as stored, i.e. scrubbed), for updates."""
        item = self.to_item()
        return {name: item[name] for name in ("transaction_id", "timestamp")}

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON types, scrubbed once more as a last line of defence."""
        data: dict[str, Any] = scrub({**asdict(self), "status": self.status.value})
        return data

    def to_message(self) -> str:
        """The SNS message body (compact JSON, keys sorted)."""
        return json.dumps(self.as_dict(), separators=(",", ":"), sort_keys=True)

    def to_item(self) -> dict[str, dict[str, str]]:
        """The DynamoDB item in the low-level attribute-value format."""
        return {
            name: {"N": str(value)} if isinstance(value, int) else {"S": str(value)}
            for name, value in self.as_dict().items()
        }

    def message_attributes(self) -> dict[str, dict[str, str]]:
        """SNS message attributes for subscription filter policies."""
        data = self.as_dict()
        return {
            "provider": {"DataType": "String", "StringValue": data["provider"]},
            "status": {"DataType": "String", "StringValue": data["status"]},
            "currency": {"DataType": "String", "StringValue": data["currency"]},
            "amount": {"DataType": "Number", "StringValue": str(data["amount"])},
        }
