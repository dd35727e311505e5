"""Remove cardholder data (PAN, CVC, track data) from anything that leaves a function.

PCI DSS 3.3.1/3.4.1: the platform never stores, publishes or logs a primary account number,
card verification code or track data. Providers do not send them, but a merchant may paste a
card number into a free-text field (description, metadata, a note), so every string that
leaves a function goes through :func:`scrub_text` and every structure through :func:`scrub`.

A digit run (digits optionally separated by single spaces or dashes, as people type card
numbers) is redacted when any window of 13-19 of its digits passes the Luhn check: checking
only the whole run would let a PAN followed by other digits ("4111... 12") through. This
over-redacts some long numbers (about one 13-digit epoch-millisecond value in ten); for
cardholder data, over-redaction is the safe error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[REDACTED]"
PAN_MIN_DIGITS = 13
PAN_MAX_DIGITS = 19
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){12,}")
_KEY_NOISE = re.compile(r"[^a-z0-9]")
# Keys (lower-cased, punctuation removed) whose values are cardholder data or sensitive
# authentication data whatever they contain.
SENSITIVE_KEYS = frozenset(
    {
        "pan",
        "cardnumber",
        "primaryaccountnumber",
        "accountnumber",
        "cvc",
        "cvc2",
        "cvv",
        "cvv2",
        "cid",
        "cvn",
        "securitycode",
        "cardsecuritycode",
        "cardverificationvalue",
        "cardverificationcode",
        "track",
        "track1",
        "track2",
        "trackdata",
        "track1data",
        "track2data",
        "magstripe",
        "magneticstripe",
        "pin",
        "pinblock",
    }
)


def luhn_valid(digits: str) -> bool:
    """True when the all-digit string passes the Luhn (mod 10) check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def contains_pan(digits: str) -> bool:
    """True when some window of 13-19 consecutive digits of ``digits`` is Luhn-valid."""
    length = len(digits)
    return any(
        luhn_valid(digits[start : start + size])
        for size in range(PAN_MIN_DIGITS, min(PAN_MAX_DIGITS, length) + 1)
        for start in range(length - size + 1)
    )


def _redact_run(match: re.Match[str]) -> str:
    run = match.group()
    return REDACTED if contains_pan(re.sub(r"[ -]", "", run)) else run


def scrub_text(text: str) -> str:
    """``text`` with every digit run that may hold a PAN replaced by ``[REDACTED]``."""
    return _DIGIT_RUN.sub(_redact_run, text) if len(text) >= PAN_MIN_DIGITS else text


def is_sensitive_key(key: str) -> bool:
    """True when a field named ``key`` holds card data by definition (card number, CVC...)."""
    return _KEY_NOISE.sub("", key.lower()) in SENSITIVE_KEYS


def scrub(value: Any) -> Any:
    """A copy of a JSON-like value with sensitive fields and PAN-like digit runs redacted.

    Integers are checked too: a card number sent as a JSON number is still a card number.
    """
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_sensitive_key(str(key)) else scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**12:
        return REDACTED if contains_pan(str(abs(value))) else value
    return value
