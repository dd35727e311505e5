"""Identifiers a payment provider issues itself: numeric, but never cardholder data.

Adyen's ``pspReference`` (and ``originalReference``, the payment's own) is a 16-character
reference Adyen assigns; older ones are all digits, and about one in ten of those passes the
Luhn check. The merchant cannot set these fields, so a card number cannot reach them: they are
carried verbatim instead of being redacted (which would lose the event or make keys collide).
Only values of the documented shape are exempt; anything else in these fields is scrubbed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ADYEN_REFERENCE = re.compile(r"[0-9A-Z]{16}")
ISSUED: Mapping[str, Mapping[str, re.Pattern[str]]] = {
    "adyen": {"pspReference": ADYEN_REFERENCE, "originalReference": ADYEN_REFERENCE},
}
_TOKEN = re.compile(r"[^:#]+")


def issued_fields(provider: str) -> Mapping[str, re.Pattern[str]]:
    """The payload keys whose values ``provider`` issues itself, with each value's shape."""
    return ISSUED.get(provider, {})


def without_issued(provider: str, identifier: str) -> str:
    """``identifier`` with the ``:``/``#``-separated tokens that are ``provider``-issued
    references removed, so a card-number check sees only what else it holds."""
    shapes = set(issued_fields(provider).values())
    if not shapes:
        return identifier
    return _TOKEN.sub(
        lambda token: "" if any(s.fullmatch(token.group()) for s in shapes) else token.group(),
        identifier,
    )
