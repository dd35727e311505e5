"""The scrubber: no PAN, CVC or track data survives, whatever the formatting."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webhook_processor.scrub import REDACTED, contains_pan, luhn_valid, scrub, scrub_text

# Published test card numbers (Stripe, PayPal sandbox, card-network docs), 13 to 19 digits.
TEST_PANS = [
    "4222222222222",  # Visa, 13
    "30569309025904",  # Diners, 14
    "378282246310005",  # Amex, 15
    "4242424242424242",  # Visa, 16
    "6011111111111117",  # Discover, 16
    "5555555555554444",  # Mastercard, 16
    "6250941006528599",  # UnionPay, 16
    "6205500000000000004",  # UnionPay, 19
]


def _check_digit(body: str) -> str:
    """Luhn check digit, computed the textbook way (independent of the implementation)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit = sum(divmod(digit * 2, 10))
        total += digit
    return str((10 - total % 10) % 10)


@pytest.mark.parametrize("pan", TEST_PANS)
def test_published_test_cards_are_luhn_valid(pan):
    assert luhn_valid(pan)
    assert not luhn_valid(pan[:-1] + str((int(pan[-1]) + 1) % 10))


@pytest.mark.parametrize("pan", TEST_PANS)
@pytest.mark.parametrize("separator", ["", " ", "-"])
def test_scrub_text_redacts_pans_however_grouped(pan, separator):
    grouped = separator.join(pan[i : i + 4] for i in range(0, len(pan), 4))
    text = f"customer wrote: card {grouped}, exp 08/27"
    assert scrub_text(text) == f"customer wrote: card {REDACTED}, exp 08/27"


def test_long_runs_are_redacted_when_any_window_could_be_a_pan():
    # 4111111111111112 fails Luhn as a whole, but its first 13 digits pass: over-redaction
    # is the safe error for cardholder data.
    assert not luhn_valid("4111111111111112")
    assert scrub_text("4111111111111112") == REDACTED


def test_pan_followed_or_preceded_by_other_digits_is_still_redacted():
    assert "4111" not in scrub_text("4111111111111111 12")
    assert "4111" not in scrub_text("99 4111 1111 1111 1111 2027")
    assert "4111" not in scrub_text("ref:0044111111111111111")


@pytest.mark.parametrize(
    "text",
    [
        "4222222222223",  # 13 digits failing Luhn
        "1732665600123",  # epoch milliseconds failing Luhn
        "411111111111",  # 12 digits
        "2024-11-27T00:00:00.000000Z#evt_1NG8Du2eZvKYlo2CUI79vXWy",
        "paypal:42311647XV020574X",
        "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc",
        "amount 2000 USD, order 6735",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert scrub_text(text) == text


def test_scrub_redacts_sensitive_fields_and_card_numbers_anywhere_in_a_structure():
    data = {
        "card_number": "not even digits",
        "CVC": "123",
        "Track2Data": ";4111111111111111=2708?",
        "securityCode": 1234,
        "items": [{"note": "pay with 5555 5555 5555 4444"}, 4242424242424242, True, 17],
        "last4": "4242",
        "amount": 2000,
    }
    assert scrub(data) == {
        "card_number": REDACTED,
        "CVC": REDACTED,
        "Track2Data": REDACTED,
        "securityCode": REDACTED,
        "items": [{"note": f"pay with {REDACTED}"}, REDACTED, True, 17],
        "last4": "4242",
        "amount": 2000,
    }


@given(
    body=st.text(alphabet="0123456789", min_size=12, max_size=18),
    before=st.text(max_size=20),
    after=st.text(max_size=20),
    separator=st.sampled_from(["", " ", "-"]),
)
def test_no_luhn_valid_pan_survives_in_any_context(body, before, after, separator):
    pan = body + _check_digit(body)
    typed = separator.join(pan[i : i + 4] for i in range(0, len(pan), 4))
    digits_left = re.sub(r"\D", "", scrub_text(before + " " + typed + " " + after))
    assert pan not in digits_left


@given(st.text(alphabet="0123456789 -", max_size=40))
def test_scrubbed_text_contains_no_pan(text):
    for run in re.findall(r"\d(?:[ -]?\d)*", scrub_text(text)):
        assert not contains_pan(re.sub(r"\D", "", run))
