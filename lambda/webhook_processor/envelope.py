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
DEAD_LETTER_CHARS = 32 * 1024
"""Characters of an unusable body kept in its dead letter: even escaped six bytes per
character (``\\u0000``), the message stays well inside SQS's 256 KiB."""


def dead_letter(provider: str, text: str) -> str:
    """The DLQ message for a verified body that is not a usable envelope payload.

    SQS refuses an empty body and characters outside its allowed set (NUL, most control
    characters, U+FFFE...), and the provider would retry a refused delivery forever: the text
    travels as a string in an ASCII JSON object, which SQS always accepts and ``json.loads``
    gives back. The caller scrubs ``text`` first.
    """
    document: dict[str, Any] = {"version": VERSION, "provider": provider}
    document["body"] = text[:DEAD_LETTER_CHARS]
    if len(text) > DEAD_LETTER_CHARS:
        document["truncated_from_chars"] = len(text)
    return json.dumps(document, separators=(",", ":"))


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
