"""Provider-issued references stay verbatim; everything else that looks like a PAN is redacted."""

import json
from pathlib import Path

import pytest

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import normalize
from webhook_processor.references import issued_fields, without_issued
from webhook_processor.scrub import REDACTED, scrub

# Adyen's own SDK fixture: a numeric PSP reference in which the scrubber finds a card number.
SAMPLE = Path(__file__).parent / "corpus" / "adyen" / "capture-true.json"
PSP = "8514853640987132"


def _item() -> dict:
    return json.loads(SAMPLE.read_text())["payload"]["notificationItems"][0][
        "NotificationRequestItem"
    ]


def test_the_sample_reference_would_pass_the_card_number_check():
    assert scrub(PSP) == REDACTED


def test_adyen_references_survive_the_receivers_scrub_and_make_a_record():
    item = _item()
    scrubbed = scrub(item, issued_fields("adyen"))
    assert scrubbed["pspReference"] == PSP
    record = normalize(
        "adyen", scrubbed, received_at="2024-11-27T00:00:01.000000Z", correlation_id="req-1"
    )
    assert record is not None
    assert record.object_id == PSP
    assert record.timestamp.endswith(PSP)


@pytest.mark.parametrize("value", ["4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005"])
def test_a_card_number_not_shaped_like_a_reference_is_still_redacted(value):
    item = {**_item(), "pspReference": value, "merchantReference": PSP}
    scrubbed = scrub(item, issued_fields("adyen"))
    assert scrubbed["pspReference"] == REDACTED
    assert scrubbed["merchantReference"] == REDACTED  # merchant-set: never exempt


def test_other_providers_exempt_nothing():
    assert scrub({"pspReference": PSP}, issued_fields("stripe")) == {"pspReference": REDACTED}
    assert without_issued("stripe", f"stripe:{PSP}") == f"stripe:{PSP}"


def test_a_card_number_beside_a_reference_in_an_identifier_is_still_poison():
    item = {**_item(), "originalReference": "4111-1111-1111-1111"}
    with pytest.raises(PoisonMessageError, match="holds a card number"):
        normalize("adyen", item, received_at="2024-11-27T00:00:01.000000Z", correlation_id="r")
