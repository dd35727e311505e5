"""`pulumi preview --json` and `pulumi stack export` files -> the captured-resource model."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.policy_engine import evaluate
from compliance.report.inputs import (
    SECRET,
    InputFormatError,
    from_preview_json,
    from_stack_export,
    mask_config,
    mask_secrets,
)
from tests.compliance.report_data import DATA, EXPORT_FILE, PREVIEW_FILE, capture


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


def test_ciphertext_secrets_are_masked_and_recorded():
    converted = from_stack_export(json.loads(EXPORT_FILE.read_text()))
    param = next(r for r in converted["resources"] if r["type"] == "aws:ssm/parameter:Parameter")
    assert param["inputs"]["value"] == SECRET
    assert param["secretInputs"] == ["value"]


def test_show_secrets_plaintext_is_masked_too():
    doc = json.loads(EXPORT_FILE.read_text())
    param = next(
        r for r in doc["deployment"]["resources"] if r["type"] == "aws:ssm/parameter:Parameter"
    )
    param["inputs"]["value"] = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": json.dumps("whsec_shown_in_plain_text"),
    }
    converted = from_stack_export(doc)
    got = next(r for r in converted["resources"] if r["urn"] == param["urn"])
    assert got["inputs"]["value"] == SECRET
    assert got["secretInputs"] == ["value"]
    assert "whsec_shown_in_plain_text" not in json.dumps(converted)


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
        (from_preview_json, {"deployment": {}}, "use --from-stack-export"),
        (from_preview_json, {"resourcePlans": {}}, "--save-plan"),
        (from_preview_json, {"config": {}}, "not `pulumi preview --json`"),
        (from_preview_json, [], "top level is list"),
        (from_preview_json, {"steps": [{"urn": "u"}]}, r"steps\[0\]: a step without an `op`"),
        (from_preview_json, {"steps": [{"op": "create", "urn": "u"}]}, "without a `newState`"),
        (from_preview_json, {"steps": {}}, "`steps` is {}, expected a list"),
        (from_stack_export, {"steps": []}, "use --from-preview"),
        (from_stack_export, {"version": 3}, "no `deployment`"),
        (from_stack_export, {"version": 2, "deployment": {}}, "version 2; this reads 3 and 4"),
        (from_stack_export, {"version": 5, "deployment": {}}, "version 5"),
        (from_stack_export, {"deployment": {}}, "version null"),
        (from_stack_export, {"version": 3, "deployment": []}, "`deployment` is \\[\\]"),
        (from_stack_export, {"version": 3, "deployment": {"resources": {}}}, "expected a list"),
        (from_stack_export, {"version": 3, "deployment": {"resources": [{"urn": "x"}]}}, "type"),
        (from_stack_export, {"version": 3, "deployment": {"resources": [7]}}, "resources\\[0\\]"),
    ],
)
def test_the_wrong_file_gets_a_clear_error_naming_it(convert, doc, match):
    with pytest.raises(InputFormatError, match=match) as caught:
        convert(doc, "f.json")
    assert str(caught.value).startswith("f.json")


_URN = "urn:pulumi:dev::payment-webhooks::aws:sqs/queue:Queue::q"


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("inputs", [], "`inputs` is \\[\\], expected an object"),
        ("outputs", "x", "`outputs`"),
        ("provider", 7, "`provider` is 7, expected a string"),
        ("propertyDependencies", [], "`propertyDependencies`"),
        ("propertyDependencies", {"name": "urn"}, '`name` is "urn", expected a list'),
        ("propertyDependencies", {"name": [1]}, "`name` holds 1, expected strings"),
        ("dependencies", [None], "`dependencies` holds null"),
        ("protect", "yes", "`protect`"),
    ],
)
def test_a_malformed_state_field_is_named_with_its_resource(field, value, match):
    state = {"urn": _URN, "type": "aws:sqs/queue:Queue", "custom": True, field: value}
    doc = {"version": 3, "deployment": {"resources": [state]}}
    with pytest.raises(InputFormatError, match=match) as caught:
        from_stack_export(doc, "f.json")
    assert f"f.json: deployment.resources[0]: {_URN}" in str(caught.value)


ENGINE = DATA / "engine"
V4_EXPORT = ENGINE / "stack_export_v4_show_secrets.json"
CHECKPOINT = ENGINE / "state_checkpoint_v3.json"
PREVIEW_OTHERS = ENGINE / "pulumi_preview_other_providers.json"
OTHER_PROVIDERS = {
    "random:index/randomPassword:RandomPassword",
    "tls:index/privateKey:PrivateKey",
    "command:local:Command",
    "pulumi:providers:random",
    "pulumi:providers:tls",
    "pulumi:providers:command",
}


def _by_type(converted, type_):
    return [r for r in converted["resources"] if r["type"] == type_]


def test_a_v4_show_secrets_export_reads_whole_with_every_secret_masked():
    converted = from_stack_export(json.loads(V4_EXPORT.read_text()), str(V4_EXPORT))
    assert "PLANTED" not in json.dumps(converted)
    assert {r["type"] for r in converted["resources"]} >= OTHER_PROVIDERS
    # the pending delete of the legacy queue is not part of the stack
    assert not [r for r in converted["resources"] if "webhook-legacy-dev" in r["urn"]]
    for param in _by_type(converted, "aws:ssm/parameter:Parameter"):
        assert (param["inputs"]["value"], param["outputs"]["value"]) == (SECRET, SECRET)
        assert param["secretInputs"] == ["value"]
    (command,) = _by_type(converted, "command:local:Command")
    assert command["secretInputs"] == ["environment.TOKEN"]
    (password,) = _by_type(converted, "random:index/randomPassword:RandomPassword")
    assert password["outputs"]["result"] == SECRET
    (stack,) = _by_type(converted, "pulumi:pulumi:Stack")
    assert stack["outputs"]["tableName"] == "payment-transactions-dev"  # output value unwrapped
    assert stack["outputs"]["callbackToken"] == SECRET  # a secret output value
    assert converted["stack"] == "dev"


def test_null_property_dependencies_read_as_none():
    converted = from_stack_export(json.loads(V4_EXPORT.read_text()))
    (key,) = _by_type(converted, "tls:index/privateKey:PrivateKey")
    assert key["propertyDependencies"] == {"algorithm": [], "rsaBits": []}
    (command,) = _by_type(converted, "command:local:Command")
    assert command["propertyDependencies"]["environment"] == [
        "urn:pulumi:dev::payment-webhooks::random:index/randomPassword:RandomPassword::callback-token"
    ]


def test_a_state_files_checkpoint_reads_as_the_same_stack_as_its_export():
    from_file = from_stack_export(json.loads(CHECKPOINT.read_text()), str(CHECKPOINT))
    exported = from_stack_export(json.loads(EXPORT_FILE.read_text()))
    got = {r["urn"]: r for r in from_file["resources"] if r["type"] not in OTHER_PROVIDERS}
    assert set(got) == {r["urn"] for r in exported["resources"]}
    for r in exported["resources"]:
        assert got[r["urn"]]["inputs"] == r["inputs"], r["urn"]
        assert got[r["urn"]]["secretInputs"] == r["secretInputs"], r["urn"]
    assert from_file["stack"] == "dev"


def test_a_checkpoint_of_a_stack_never_updated_reads_as_empty_with_a_note():
    converted = from_stack_export({"version": 3, "checkpoint": {"stack": "dev"}}, "s.json")
    assert converted["resources"] == []
    assert converted["notes"] == ["s.json: the state holds no resources (a stack never deployed?)"]


def test_a_preview_keeps_other_providers_and_says_which_resources_it_lacks():
    converted = from_preview_json(json.loads(PREVIEW_OTHERS.read_text()), "p.json")
    types = {r["type"] for r in converted["resources"]}
    assert types >= OTHER_PROVIDERS
    assert not [r for r in converted["resources"] if "webhook-legacy-dev" in r["urn"]]
    (table,) = _by_type(converted, "aws:dynamodb/table:Table")
    assert table["inputs"]["billingMode"] == "PAY_PER_REQUEST"  # the replace's new state
    (password,) = _by_type(converted, "random:index/randomPassword:RandomPassword")
    assert password["inputs"]["length"] == 32.0
    (command,) = _by_type(converted, "command:local:Command")
    assert command["inputs"]["environment"] == {"TOKEN": SECRET}
    assert command["secretInputs"] == ["environment.TOKEN"]
    assert converted["notes"] == [
        "p.json: 26 unchanged resources are not in the file (`pulumi preview --json` lists them "
        "only with --show-sames): the report covers the others only"
    ]


def test_a_preview_with_every_same_step_has_no_note():
    converted = from_preview_json(json.loads(PREVIEW_FILE.read_text()))
    assert converted["notes"] == []


def test_a_preview_without_changes_or_steps_is_an_empty_stack():
    assert from_preview_json({"changeSummary": {}}, "p.json")["resources"] == []


_JSON_KEYS = st.sampled_from(
    [
        "version", "deployment", "checkpoint", "latest", "resources", "steps", "op", "newState",
        "oldState", "urn", "type", "custom", "inputs", "outputs", "provider", "parent",
        "propertyDependencies", "dependencies", "ignoreChanges", "protect", "delete",
        "changeSummary", "same", "secret", "value", "plaintext", "ciphertext",
        "4dabf18193072939515e22adb298388d",
    ]
)  # fmt: skip
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 6)
    | st.sampled_from(["create", "same", "delete", "aws:sqs/queue:Queue", _URN, SECRET, ""])
    | st.sampled_from(["1b47061264138c4ac30d75fd1eb44270", "d0e6a833031e9bbcd3f4e8bde6ca49a4"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_JSON_KEYS, inner, max_size=6),
    max_leaves=30,
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(doc=_JSON)
def test_any_json_document_is_read_or_refused_with_input_format_error(doc):
    for convert in (from_preview_json, from_stack_export):
        try:
            converted = convert(doc, "f.json")
        except InputFormatError as exc:
            message = str(exc)
            assert message.startswith("f.json")
        else:
            assert isinstance(converted["resources"], list)


def test_mask_secrets_masks_inputs_and_outputs_at_the_recorded_paths():
    resource = {
        "urn": _URN,
        "inputs": {"a": {"b": ["keep", "s3cr3t"]}, "c": "s3cr3t", "d": 1},
        "outputs": {"c": "s3cr3t", "e": "keep"},
        "secretInputs": ["a.b[1]", "c"],
    }
    masked = mask_secrets(resource)
    assert masked["inputs"] == {"a": {"b": ["keep", SECRET]}, "c": SECRET, "d": 1}
    assert masked["outputs"] == {"c": SECRET, "e": "keep"}
    assert resource["inputs"]["c"] == "s3cr3t"  # a copy: the capture's own value is untouched


def test_mask_config_masks_secret_keys_with_or_without_namespace():
    config = {
        "payment-webhooks:stripeSigningSecret": "whsec_x",
        "squareSignatureKey": "k",
        "payment-webhooks:environmentSuffix": "dev",
        "aws:region": "us-east-1",
    }
    assert mask_config(config, {"stripeSigningSecret", "squareSignatureKey"}) == {
        "payment-webhooks:stripeSigningSecret": SECRET,
        "squareSignatureKey": SECRET,
        "payment-webhooks:environmentSuffix": "dev",
        "aws:region": "us-east-1",
    }
