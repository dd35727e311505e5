"""What every provider plug-in shares: reason codes, the verdict, the header view, the plug-in type.

Providers signal a rejection by raising the private ``Rejected``; the façade turns it into a
``Verdict``, so a provider's code reads top to bottom and nothing else ever escapes a verifier.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

MAX_HEADER_CHARS = 8192
"""Longer header values are rejected before any parsing (real signature headers are < 1 KiB)."""

_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class Reason(StrEnum):
    """Why a delivery was rejected: safe for logs and metrics (never a secret, never the body)."""

    MISSING_HEADER = "missing_header"
    MALFORMED_HEADER = "malformed_header"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    MISSING_SIGNATURE = "missing_signature"
    MALFORMED_BODY = "malformed_body"
    STALE_TIMESTAMP = "stale_timestamp"
    FUTURE_TIMESTAMP = "future_timestamp"
    BAD_SIGNATURE = "bad_signature"
    DISALLOWED_CERT_URL = "disallowed_cert_url"
    CERT_FETCH_FAILED = "cert_fetch_failed"
    MALFORMED_CERTIFICATE = "malformed_certificate"
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one verification; truthy exactly when the delivery is authentic."""

    reason: Reason | None = None

    @property
    def valid(self) -> bool:
        return self.reason is None

    def __bool__(self) -> bool:
        return self.reason is None

    def __str__(self) -> str:
        return "valid" if self.reason is None else f"invalid: {self.reason}"


VALID = Verdict()


class ConfigError(ValueError):
    """Provider settings are missing, still a placeholder, or malformed (fail closed)."""


class Rejected(Exception):  # noqa: N818 - a verdict, not an error
    """Raised inside a provider to stop at the first failed check."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


class Headers:
    """Received headers, looked up case-insensitively.

    A name sent twice (differing only in case) with different values is ambiguous: the delivery is
    rejected rather than guessing which value the signer meant.
    """

    __slots__ = ("_values",)

    def __init__(self, raw: Mapping[str, object]) -> None:
        values: dict[str, object] = {}
        for name, value in raw.items():
            key = str(name).lower()
            values[key] = value if values.get(key, value) == value else None
        self._values = values

    def get(self, name: str) -> str | None:
        """The value of a lowercase ``name``; ``None`` when absent; ``Rejected`` when unusable."""
        if name not in self._values:
            return None
        value = self._values[name]
        if (
            not isinstance(value, str)
            or not value
            or len(value) > MAX_HEADER_CHARS
            or not (value.isascii() and value.isprintable())
        ):
            raise Rejected(Reason.MALFORMED_HEADER)
        return value

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise Rejected(Reason.MISSING_HEADER)
        return value


def parse_timestamp(value: str) -> int:
    """Epoch seconds written as plain ASCII digits (no sign, fraction, spaces or underscores)."""
    if not _TIMESTAMP.fullmatch(value):
        raise Rejected(Reason.MALFORMED_HEADER)
    return int(value)


def check_freshness(timestamp: float, now: float, tolerance: float) -> None:
    """Replay window: reject outside ``now +/- tolerance`` (the boundary itself is accepted)."""
    if timestamp < now - tolerance:
        raise Rejected(Reason.STALE_TIMESTAMP)
    if timestamp > now + tolerance:
        raise Rejected(Reason.FUTURE_TIMESTAMP)


def matches_any(expected: bytes, candidates: list[bytes]) -> bool:
    """Constant-time comparison of ``expected`` against every candidate (no early exit)."""
    found = False
    for candidate in candidates:
        found |= hmac.compare_digest(expected, candidate)
    return found


S = TypeVar("S")


@dataclass(frozen=True)
class Provider(Generic[S]):
    """A provider plug-in: how to read its settings and how to verify one delivery.

    ``verify(settings, headers, body, now)`` returns on success and raises ``Rejected``.
    """

    name: str
    settings: Callable[[Mapping[str, Any]], S]
    verify: Callable[[S, Headers, bytes, float], None]
