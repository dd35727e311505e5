"""Providers' own published sample payloads (tests/lambda/corpus/<provider>/*.json), each with
its source named and the record its documentation implies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import normalize

from .test_normalize import VALIDATOR

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*/*.json"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_every_sample_names_its_published_source():
    assert CORPUS
    for path in CORPUS:
        entry = _load(path)
        assert entry["source"].strip(), path
        assert entry["provider"] == path.parent.name, path


def _normalize(entry: dict):
    return normalize(
        entry["provider"],
        entry["payload"],
        received_at="2024-11-27T00:00:01.000000Z",
        correlation_id="req-1",
    )


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_published_sample_becomes_the_documented_record(path, request):
    entry = _load(path)
    if "disagreement" in entry:  # documented record kept; strict, so a fix shows as XPASS
        request.applymarker(pytest.mark.xfail(reason=entry["disagreement"], strict=True))
    expected = entry["expected"]
    if "poison" in expected:  # the documented refusal: the reason names what is missing
        with pytest.raises(PoisonMessageError, match=expected["poison"]):
            _normalize(entry)
        return
    record = _normalize(entry)
    if expected == {"ignored": True}:
        assert record is None
        return
    assert record is not None
    message = json.loads(record.to_message())
    VALIDATOR.validate(message)
    assert {name: message[name] for name in expected} == expected
