"""The SQS message between receiver and processor.

The receiver has verified the signature, so the envelope carries the payload as a JSON value,
already scrubbed of card data (PCI DSS 3.3.1: the raw bytes would put a PAN a merchant typed
into a free-text field onto the queue). Nothing in it is secret: the verification material
stays in the receiver.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from webhook_processor.exceptions import PoisonMessageError

VERSION = 1


@dataclass(frozen=True)
class Envelope:
    """One verified delivery: who sent it, when it arrived, how to correlate it, what it said."""

    provider: str
    payload: Any
    received_at: str
    correlation_id: str
    headers: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """The SQS message body (compact JSON, version-tagged so the format can evolve)."""
        return json.dumps(
            {
                "version": VERSION,
                "provider": self.provider,
                "received_at": self.received_at,
                "correlation_id": self.correlation_id,
                "headers": self.headers,
                "payload": self.payload,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Envelope:
        """Parse an SQS message body; PoisonMessageError says why one can never be processed."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            msg = f"envelope is not JSON: {error.msg} at {error.pos}"
            raise PoisonMessageError(msg) from None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            msg = f"envelope is not a version-{VERSION} object"
            raise PoisonMessageError(msg)
        strings = ("provider", "received_at", "correlation_id")
        if not all(isinstance(data.get(name), str) and data[name] for name in strings):
            msg = f"envelope lacks one of {', '.join(strings)}"
            raise PoisonMessageError(msg)
        headers = data.get("headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(value, str) for value in headers.values()
        ):
            msg = "envelope headers are not an object of strings"
            raise PoisonMessageError(msg)
        if "payload" not in data:
            msg = "envelope has no payload"
            raise PoisonMessageError(msg)
        return cls(
            provider=data["provider"],
            payload=data["payload"],
            received_at=data["received_at"],
            correlation_id=data["correlation_id"],
            headers=headers,
        )
