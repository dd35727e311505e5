"""`pulumi preview --json` and `pulumi stack export` files -> the captured-resource model."""

from __future__ import annotations

import json

import pytest

from compliance.policy_engine import evaluate
from compliance.report.inputs import InputFormatError, from_preview_json, from_stack_export
from tests.compliance.report_data import EXPORT_FILE, PREVIEW_FILE, capture


def _custom(doc):
    return {r["urn"]: r for r in doc["resources"] if r["custom"]}


def _comparable(r):
    secret = set(r["secretInputs"])
    # the engine adds `__internal` to provider inputs in real state
    return {k: v for k, v in r["inputs"].items() if k not in secret and not k.startswith("__")}


@pytest.mark.parametrize(
    ("path", "convert"), [(EXPORT_FILE, from_stack_export), (PREVIEW_FILE, from_preview_json)]
)
def test_both_formats_give_the_capture_of_the_same_stack(path, convert):
    converted = convert(json.loads(path.read_text()), str(path))
    reference = _custom(capture())
    got = _custom(converted)
    assert set(got) == set(reference)
    assert converted["stack"] == "dev"
    for urn, r in reference.items():
        assert _comparable(got[urn]) == _comparable(r), urn
        assert got[urn]["propertyDependencies"] == r["propertyDependencies"], urn
        assert got[urn]["provider"] == r["provider"], urn
        assert got[urn]["secretInputs"] == r["secretInputs"], urn
    assert converted["resources"] == sorted(converted["resources"], key=lambda r: r["urn"])


def test_secrets_stay_unreadable_and_are_recorded():
    converted = from_stack_export(json.loads(EXPORT_FILE.read_text()))
    param = next(r for r in converted["resources"] if r["type"] == "aws:ssm/parameter:Parameter")
    assert param["inputs"]["value"] is None
    assert param["secretInputs"] == ["value"]


def test_show_secrets_plaintext_is_unwrapped():
    doc = json.loads(EXPORT_FILE.read_text())
    param = next(
        r for r in doc["deployment"]["resources"] if r["type"] == "aws:ssm/parameter:Parameter"
    )
    param["inputs"]["value"] = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": json.dumps("UNSET: placeholder"),
    }
    got = next(r for r in from_stack_export(doc)["resources"] if r["urn"] == param["urn"])
    assert got["inputs"]["value"] == "UNSET: placeholder"


def test_preview_takes_the_new_state_and_leaves_deleted_resources_out():
    converted = from_preview_json(json.loads(PREVIEW_FILE.read_text()))
    names = {r["name"] for r in converted["resources"]}
    assert "webhook-legacy-dev" not in names
    fn = next(r for r in converted["resources"] if r["name"] == "webhook-processor-dev")
    assert fn["inputs"]["memorySize"] == 1024.0  # newState, not the 512 of oldState


def test_retain_on_delete_in_the_deployed_state_is_seen_and_flagged():
    doc = json.loads(EXPORT_FILE.read_text())
    table = next(
        r for r in doc["deployment"]["resources"] if r["type"] == "aws:dynamodb/table:Table"
    )
    table["retainOnDelete"] = True
    table["protect"] = True
    converted = from_stack_export(doc)
    got = next(r for r in converted["resources"] if r["urn"] == table["urn"])
    assert got["options"]["retainOnDelete"]
    assert got["options"]["protect"]
    flagged = {(v["policy"], v["urn"]) for v in evaluate(converted["resources"], stack="dev")}
    assert ("resource-no-retain-on-delete", table["urn"]) in flagged
    assert ("resource-not-protected", table["urn"]) in flagged


def test_the_clean_export_has_no_mandatory_violation():
    converted = from_stack_export(json.loads(EXPORT_FILE.read_text()))
    assert [
        v for v in evaluate(converted["resources"], stack="dev") if v["level"] == "mandatory"
    ] == []


@pytest.mark.parametrize(
    ("convert", "doc", "match"),
    [
        (from_preview_json, {"deployment": {}}, "pulumi preview --json"),
        (from_stack_export, {"steps": []}, "pulumi stack export"),
        (from_stack_export, {"deployment": {"resources": [{"urn": "x"}]}}, "type"),
    ],
)
def test_the_wrong_file_gets_a_clear_error(convert, doc, match):
    with pytest.raises(InputFormatError, match=match):
        convert(doc, "f.json")
