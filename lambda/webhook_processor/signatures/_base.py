"""What every provider plug-in shares: reason codes, the verdict, the header view, the plug-in type.

Providers signal a rejection by raising the private ``Rejected``; the façade turns it into a
``Verdict``, so a provider's code reads top to bottom and nothing else ever escapes a verifier.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from webhook_processor.exceptions import ConfigurationError

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
    REJECTED_BY_PROVIDER = "rejected_by_provider"
    """The provider's own verification API answered that the delivery is not authentic."""
    VERIFICATION_UNAVAILABLE = "verification_unavailable"
    """The provider's verification API gave no usable answer, or a call or certificate-fetch
    budget is spent: nothing is known about the delivery yet."""
    CREDENTIALS_REJECTED = "credentials_rejected"
    """The provider refused our API credentials: a configuration problem on our side."""


UNAVAILABLE: frozenset[Reason] = frozenset(
    {Reason.VERIFICATION_UNAVAILABLE, Reason.CREDENTIALS_REJECTED}
)
"""Reasons that say "cannot verify now", not "not authentic": answered 503 so the provider
retries the delivery later, never 401."""


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


class ConfigError(ConfigurationError, ValueError):
    """Provider settings are missing, still a placeholder, or malformed (fail closed)."""


class Rejected(Exception):  # noqa: N818 - a verdict, not an error
    """Raised inside a provider to stop at the first failed check."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


Headers = Mapping[str, object]
"""Received headers with lowercase names, as made by ``lowercase_headers``."""

_AMBIGUOUS = object()


def lowercase_headers(raw: Mapping[str, object]) -> Headers:
    """Header names folded to lowercase, for case-insensitive lookup.

    A name sent twice (differing only in case) with different values is ambiguous: looking it
    up rejects the delivery rather than guessing which value the signer meant.
    """
    try:
        if "".join(raw).islower():  # already folded, as in Lambda Function URL events: no copy
            return raw
    except TypeError:  # a name that is not a string
        pass
    values = {str(name).lower(): value for name, value in raw.items()}
    if len(values) != len(raw):  # rare: the same name in two spellings
        values = {}
        for name, value in raw.items():
            key = str(name).lower()
            values[key] = value if values.get(key, value) == value else _AMBIGUOUS
    return values


def require_header(headers: Headers, name: str) -> str:
    """The value of a lowercase ``name``, or ``Rejected``: missing, or unusable (ambiguous, not
    text, empty, over ``MAX_HEADER_CHARS``, or not printable ASCII)."""
    value = headers.get(name)
    if (
        isinstance(value, str)
        and 0 < len(value) <= MAX_HEADER_CHARS
        and value.isascii()
        and value.isprintable()
    ):
        return value
    raise Rejected(Reason.MISSING_HEADER if name not in headers else Reason.MALFORMED_HEADER)


def header(headers: Headers, name: str) -> str | None:
    """Like ``require_header``, but ``None`` when the header is absent."""
    return require_header(headers, name) if name in headers else None


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


class HmacSha256:
    """HMAC-SHA256 from the standard library's ``hmac``, keyed once when settings load.

    The keyed state (and a fixed prefix such as Square's notification URL) is built once; each
    message is MACed on a ``copy()`` of it, so the key is never reprocessed per delivery.
    """

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes, prefix: bytes = b"") -> None:
        self._keyed = hmac.new(key, prefix, hashlib.sha256)

    def digest(self, message: bytes, more: bytes = b"") -> bytes:
        """The MAC of ``prefix + message + more`` (``more`` spares concatenating a body)."""
        mac = self._keyed.copy()
        mac.update(message)
        if more:
            mac.update(more)
        return mac.digest()


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
