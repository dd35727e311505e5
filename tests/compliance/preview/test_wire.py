"""Pure translation of monitor requests into captured resources (no Pulumi runtime)."""

import pytest

from compliance.preview.wire import (
    SECRET_SIGNATURE,
    SIGNATURE_KEY,
    UNKNOWN,
    capture,
    plain,
    property_path,
    provider_urn,
)

STACK = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"
KEY = "urn:pulumi:dev::proj::aws:kms/key:Key::key"
ROLE = "urn:pulumi:dev::proj::aws:iam/role:Role::role"
LOGS = "urn:pulumi:dev::proj::aws:cloudwatch/logGroup:LogGroup::logs"
PROVIDER = "urn:pulumi:dev::proj::pulumi:providers:aws::aws-us-east-1"


def secret(value):
    return {SIGNATURE_KEY: SECRET_SIGNATURE, "value": value}


@pytest.mark.parametrize(
    ("parent", "key", "expected"),
    [
        ("", "environment", "environment"),
        ("environment", "variables", "environment.variables"),
        ("tags", "aws:cloudformation", 'tags["aws:cloudformation"]'),
        ("statements", 2, "statements[2]"),
        ("", "a.b", '["a.b"]'),
    ],
)
def test_property_path_uses_pulumi_path_syntax(parent, key, expected):
    assert property_path(parent, key) == expected


def test_plain_turns_unknowns_into_none_and_unwraps_secrets_with_their_paths():
    secrets: list[str] = []
    value = {
        "role": UNKNOWN,
        "environment": {"variables": {"TOKEN": secret("s3cr3t"), "URL": "https://x"}},
        "layers": [secret(UNKNOWN), "arn:layer"],
        "whole": secret({"nested": secret("inner")}),
    }
    assert plain(value, "", secrets) == {
        "environment": {"variables": {"TOKEN": "s3cr3t", "URL": "https://x"}},
        "layers": [None, "arn:layer"],
        "role": None,
        "whole": {"nested": "inner"},
    }
    assert secrets == ["environment.variables.TOKEN", "layers[0]", "whole", "whole.nested"]


def test_plain_sorts_keys_so_the_json_is_stable():
    assert list(plain({"b": 1, "a": {"d": 2, "c": 3}})) == ["a", "b"]
    assert list(plain({"a": {"d": 2, "c": 3}})["a"]) == ["c", "d"]


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (f"{PROVIDER}::4c185fb8-61ec-4341-a88b-d53fa02ebd6c", PROVIDER),
        (f"{PROVIDER}::{UNKNOWN}", PROVIDER),
        ("", None),
    ],
)
def test_provider_reference_keeps_the_urn(reference, expected):
    assert provider_urn(reference) == expected


def request(**fields):
    return {"type": "aws:lambda/function:Function", "name": "fn", "parent": STACK, **fields}


def test_capture_reads_every_option_from_the_request():
    resource = capture(
        "urn:fn",
        request(
            custom=True,
            provider=f"{PROVIDER}::id",
            protect=True,
            retainOnDelete=True,
            deleteBeforeReplace=True,
            ignoreChanges=["tags", "code"],
            dependencies=[LOGS, KEY, ROLE],
            propertyDependencies={"role": {"urns": [ROLE]}, "kmsKeyArn": {"urns": [KEY]}},
            object={"role": "arn:role", "kmsKeyArn": "arn:key"},
        ),
        {"arn": "arn:fn"},
    )
    assert resource.to_dict() == {
        "urn": "urn:fn",
        "type": "aws:lambda/function:Function",
        "name": "fn",
        "parent": STACK,
        "provider": PROVIDER,
        "custom": True,
        "inputs": {"kmsKeyArn": "arn:key", "role": "arn:role"},
        "secretInputs": [],
        "propertyDependencies": {"kmsKeyArn": [KEY], "role": [ROLE]},
        "outputs": {"arn": "arn:fn"},
        "options": {
            "protect": True,
            "retainOnDelete": True,
            "deleteBeforeReplace": True,
            "ignoreChanges": ["tags", "code"],
            "dependsOn": [LOGS],
        },
    }


def test_capture_defaults_when_the_request_sets_no_option():
    resource = capture("urn:fn", {"type": "pulumi:pulumi:Stack", "name": "proj-dev"}, {})
    assert resource.parent is None
    assert resource.provider is None
    assert resource.custom is False
    assert resource.options.to_dict() == {
        "protect": False,
        "retainOnDelete": False,
        "deleteBeforeReplace": False,
        "ignoreChanges": [],
        "dependsOn": [],
    }


def test_depends_on_that_an_input_already_implies_is_not_told_apart():
    """Documented limit: the wire merges explicit and implicit dependencies."""
    resource = capture(
        "urn:alias",
        request(dependencies=[KEY], propertyDependencies={"targetKeyId": {"urns": [KEY]}}),
        {},
    )
    assert resource.options.depends_on == ()


def test_capture_keeps_the_wire_inputs_untouched_for_evaluators():
    wire = {"role": UNKNOWN, "token": secret("x")}
    resource = capture("urn:fn", request(object=wire), {})
    assert resource.wire_inputs == wire
    assert resource.inputs == {"role": None, "token": "x"}
    assert resource.secret_inputs == ("token",)
