"""Remove cardholder data (PAN, CVC, track data) from anything that leaves a function.

PCI DSS 3.3.1/3.4.1: the platform never stores, publishes or logs a primary account number,
card verification code or track data. Providers do not send them, but a merchant may paste a
card number into a free-text field (description, metadata, a note, even a metadata *key*), so
every string that leaves a function goes through :func:`scrub_text` and every structure, keys
included, through :func:`scrub`.

What counts as a card number is what a person would read as one: a chain of 13-19 or more
decimal digits of any Unicode script (``unicodedata.decimal``: ASCII, full-width,
Arabic-Indic, Devanagari...), its digit groups separated by at most ``MAX_GAP`` characters of
whitespace, punctuation or symbols, a URL-encoded byte (``%20``, ``%2D``) counting as one.
A chain is redacted whole when any window of 13-19 of its digits is PAN-shaped: it passes the
Luhn check on the digits' numeric values and does not begin ``00``. Checking only the whole
chain would let a PAN followed by other digits ("4111... 12") through. The ``00`` rule is
ISO/IEC 7812-1's: issuer numbers in the range "00" are allocated to ISO/TC 68 for institutions
other than card issuers (ISO 8583-1 institution codes; IN 00000 is a test number), so no card
number starts with them, while every run of zeros passes Luhn and placeholder identifiers
(Stripe's ``ch_00000000000000``) would otherwise be card numbers. It applies to each window,
never to a chain: ``004111111111111111`` still holds the window ``4111111111111111``. A single
leading ``0`` (the rest of major industry identifier 0, "other industry assignments") is not
excluded. Over-redaction (about one 13-digit epoch-millisecond value in ten) is the safe error
for cardholder data.

What is not a card number: a digit group glued to a letter belongs to an identifier
(``ccaf68bc-...``, ``9abc``) and does not chain with its neighbours across separators, and
canonical UUIDs, X-Ray trace ids and date-times are not read as chains; a contiguous run of
13+ digits is still checked wherever it stands (``evt_4111111111111111``,
``card4111111111111111``, a trace id's 24 hex digits).
A chain's outer groups are the exception, as a reader sees them: the first may touch a letter
before it and the last a letter after it (``Visa4111 1111 1111 1111``, ``... 1111exp``), as
long as one group of the chain touches no letter, so two identifiers side by side
(``ab12345678-90123456cd``) still do not chain.

Cost is linear in the input: two regular-expression passes without backtracking into a digit
group or a gap (possessive quantifiers), then, per chain of n digits, one translation to ASCII
and, per window length 13..19, the totals of all n windows at once (a big integer with a byte
per digit times a constant of at most 19 bytes) and one byte translation, plus, only where a
window passes Luhn, one big-integer OR with the windows that begin ``00``: O(7 * 19 * n) byte
operations, so O(len(text)) overall, whatever the input (no window is summed digit by digit).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

REDACTED = "[REDACTED]"
PAN_MIN_DIGITS = 13
PAN_MAX_DIGITS = 19
MAX_GAP = 3
"""Most separator characters (or URL-encoded bytes) between two digit groups of one number."""

_LETTER = r"[^\W\d_]"
_GROUP = rf"\d++(?!{_LETTER})"
_GAP = rf"(?:%[0-9A-Fa-f]{{2}}|[\W_]){{1,{MAX_GAP}}}+"
# A chain of digit groups joined by short gaps. It starts only where a group starts (so a long
# group glued to a letter is read once, not per digit): either at a group touching no letter,
# or at one glued to the letter before it, which must be followed by at least one group that
# touches none. Its last group may be glued to the letter after it. The two starts exclude
# each other (a letter before, or not), so no position is tried twice.
_CHAIN = re.compile(
    rf"(?:(?<![^\W_]){_GROUP}(?:{_GAP}{_GROUP})*+|(?<={_LETTER})\d++(?:{_GAP}{_GROUP})++)"
    rf"(?:{_GAP}\d++)?+"
)
# Contiguous digits long enough to be a PAN, wherever they stand (inside identifiers too).
_RUN = re.compile(rf"\d{{{PAN_MIN_DIGITS},}}+")
_HEX = "[0-9A-Fa-f]"
# Shapes whose digit groups must not chain into a number: canonical UUIDs, X-Ray trace ids
# ("1-<8 hex: epoch seconds>-<24 hex>", in every Lambda log line and trace header) and
# date-times (ISO 8601 and the logging module's "2026-12-02 13:58:01,123+0000"). Only a trace
# id's 24 hex digits can hold a contiguous run of 13+ digits, which is still checked.
_OPAQUE = re.compile(
    rf"(?<![0-9A-Za-z])({_HEX}{{8}}(?:-{_HEX}{{4}}){{3}}-{_HEX}{{12}}|1-{_HEX}{{8}}-{_HEX}{{24}}"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"(?![0-9A-Za-z])"
)
_NOT_DIGIT = re.compile(r"\D+")
_URL_BYTE = re.compile(r"%[0-9A-Fa-f]{2}")
_KEY_NOISE = re.compile(r"[^a-z0-9]")
# Luhn weights of an ASCII digit: as is, and doubled (a two-digit product counts its digits).
_PLAIN = bytes.maketrans(b"0123456789", bytes(range(10)))
_DOUBLED = bytes.maketrans(b"0123456789", bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))
# Per window length: the multipliers that add onto a digit's byte the weights of the digits
# before it in a window ending there, counted as is at an even distance, doubled at an odd one.
_WINDOW_SPREADS = tuple(
    (
        size,
        sum(1 << 8 * distance for distance in range(0, size, 2)),
        sum(1 << 8 * distance for distance in range(1, size, 2)),
    )
    for size in range(PAN_MIN_DIGITS, PAN_MAX_DIGITS + 1)
)
# A window total (0-171) to 0 when it is a multiple of ten (the window passes Luhn), else 1.
_MULTIPLE_OF_TEN = bytes(int(total % 10 != 0) for total in range(256))
# An ASCII digit to 1 when it is 0, else 0 (a window beginning "00" is no card number).
_ZERO = bytes.maketrans(b"0123456789", bytes([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
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


class _AsciiDigits(dict[int, str]):
    """``str.translate`` table: any Unicode decimal digit to its ASCII digit, filled lazily."""

    def __missing__(self, code: int) -> str:
        value = self[code] = str(unicodedata.decimal(chr(code)))
        return value


_ASCII_DIGITS = _AsciiDigits()


def ascii_digits(text: str) -> str:
    """The decimal digits of ``text`` (any script), in order, as ASCII digits."""
    digits = text if text.isdecimal() else _NOT_DIGIT.sub("", text)  # both mean category Nd
    return digits if digits.isascii() else digits.translate(_ASCII_DIGITS)


def _weights(digits: str) -> tuple[bytes, bytes]:
    """Each ASCII digit's Luhn weight as is and doubled (a two-digit product counts its digits)."""
    raw = digits.encode()
    return raw.translate(_PLAIN), raw.translate(_DOUBLED)


def luhn_valid(digits: str) -> bool:
    """True when the string of decimal digits (any script) passes the Luhn (mod 10) check."""
    plain, doubled = _weights(ascii_digits(digits)[::-1])
    return (sum(plain[0::2]) + sum(doubled[1::2])) % 10 == 0


def contains_pan(digits: str) -> bool:
    """True when some window of 13-19 consecutive digits of ``digits`` may be a card number:
    it passes the Luhn check and does not begin ``00`` (no issuer number does, ISO/IEC 7812-1).

    Every window's Luhn total at once: the digits' weights as big integers with a byte per
    digit, multiplied by a constant with a 1 in every other byte (every byte shifted onto the
    bytes after it), so byte ``e`` holds the total of the window ending at digit ``e`` (at most
    19 * 9, no carry). A window passes when its byte is a multiple of ten: per window length
    two multiplications by a constant and one byte translation, each a single pass in C, never
    a window summed digit by digit. Only when one passes, the windows that begin ``00`` (byte
    ``s`` set where digits ``s`` and ``s + 1`` are zeros) are ORed out of the result.
    """
    digits = ascii_digits(digits)
    count = len(digits)
    if count < PAN_MIN_DIGITS:
        return False
    raw = digits.encode()
    plain, doubled = (int.from_bytes(weights, "little") for weights in _weights(digits))
    width = count + PAN_MAX_DIGITS
    double_zero: int | None = None
    for size, as_is, twice in _WINDOW_SPREADS:
        if size > count:
            break
        totals = plain * as_is + doubled * twice
        # Byte s: 0 when the window of ``size`` digits starting at digit s passes Luhn.
        failing = totals.to_bytes(width, "little")[size - 1 : count].translate(_MULTIPLE_OF_TEN)
        if 0 not in failing:
            continue
        if double_zero is None:
            zeros = int.from_bytes(raw.translate(_ZERO), "little")
            double_zero = zeros & (zeros >> 8)
        starts = len(failing)
        if (
            0
            in (int.from_bytes(failing, "little") | double_zero).to_bytes(count, "little")[:starts]
        ):
            return True
    return False


def _redact(match: re.Match[str]) -> str:
    """A chain's digits are read twice when it holds a ``%``: with its URL-encoded bytes as
    separators (``4111%201111...``: the ``20`` is no digit of the number) and as digits (a
    literal ``%`` between groups, ``4111%1111...``), since text cannot say which was meant."""
    found = match.group()
    if contains_pan(found) or ("%" in found and contains_pan(_URL_BYTE.sub("", found))):
        return REDACTED
    return found


def _scrub_between_opaque(text: str) -> str:
    return _RUN.sub(_redact, _CHAIN.sub(_redact, text))


def scrub_text(text: str) -> str:
    """``text`` with every digit chain that may hold a PAN replaced by ``[REDACTED]``."""
    if len(text) < PAN_MIN_DIGITS:
        return text
    if "-" not in text:  # every opaque shape has one
        return _scrub_between_opaque(text)
    pieces = _OPAQUE.split(text)  # odd indexes: UUIDs, trace ids and date-times
    pieces[0::2] = map(_scrub_between_opaque, pieces[0::2])
    # A trace id's 24 hex digits have room for a whole PAN: its runs are checked like any other.
    pieces[1::2] = (_RUN.sub(_redact, piece) for piece in pieces[1::2])
    return "".join(pieces)


def is_sensitive_key(key: str) -> bool:
    """True when a field named ``key`` holds card data by definition (card number, CVC...)."""
    return _KEY_NOISE.sub("", key.lower()) in SENSITIVE_KEYS


def _number_holds_pan(value: int | float | Decimal) -> bool:
    """True when a number, read as its digits, may be a card number (``4111111111111111.0``).

    An integer too long to print (Python refuses over 4,300 digits) cannot be checked, so it
    counts as one: over-redaction is the safe error. In E notation (``4.111111111111111e-05``,
    ``4.111111111111111E+35``) the significand is read on its own too: glued to the exponent's
    letter, its digits would not count as a chain.
    """
    try:
        texts = [str(value)]
    except ValueError:
        return True
    significand = texts[0].lower().partition("e")[0]
    if len(significand) < len(texts[0]):
        texts.append(significand)
    if isinstance(value, Decimal):  # no arithmetic: 1e999999999 would overflow the context
        short = value.is_finite() and value.adjusted() <= PAN_MAX_DIGITS
        integral = short and value == value.to_integral_value()
    else:
        integral = math.isfinite(value) and abs(value) < 10**PAN_MAX_DIGITS * 10
        integral = integral and value == int(value)
    if integral:
        texts.append(str(int(value)))
    return any(scrub_text(text) != text for text in texts)


def scrub(value: Any, keep: Mapping[str, re.Pattern[str]] | None = None) -> Any:
    """A copy of a JSON-like value with sensitive fields and PAN-like digit chains redacted.

    Keys are scrubbed like values, and numbers of every JSON type are read as their digits: a
    card number sent as a key or as a JSON number is still a card number. ``keep`` names keys
    whose string values stay verbatim when they have the given shape (identifiers a provider
    issues itself, see ``webhook_processor.references``), at any depth.
    """
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        kept = keep or {}
        return {
            scrub(key): item
            if isinstance(item, str) and key in kept and kept[key].fullmatch(item)
            else REDACTED
            if is_sensitive_key(str(key))
            else scrub(item, keep)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item, keep) for item in value]
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return REDACTED if _number_holds_pan(value) else value
    return value
