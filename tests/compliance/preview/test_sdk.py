"""The private pulumi and pulumi-policy pieces the preview relies on still behave as it expects.

Each test fails on a library upgrade that moves or changes one, naming which."""

from __future__ import annotations

import pulumi
import pulumi_policy
import pytest
from pulumi.runtime import config as pulumi_config
from pulumi_policy import ResourceValidationArgs

from compliance.preview import sdk


def test_not_applicable_is_what_args_not_applicable_raises() -> None:
    args = ResourceValidationArgs("t", {}, "urn", "n", None, None, {})  # type: ignore[arg-type]
    with pytest.raises(sdk.NotApplicable):
        args.not_applicable("reason")


def test_unknowns_on_the_wire_raise_when_read() -> None:
    props = sdk.unknown_checking_proxy(
        sdk.deserialize_properties({"name": sdk.UNKNOWN_STRING_VALUE, "n": 1.0})
    )
    assert props["n"] == 1.0
    with pytest.raises(sdk.UnknownValueError):
        _ = props["name"]
    assert dict(sdk.serialize_properties({"a": {"b": 1}})) == {"a": {"b": 1}}


def test_policy_pack_is_replaced_in_both_modules_and_restored() -> None:
    original = pulumi_policy.PolicyPack

    def stand_in(**_kwargs: object) -> None:
        return None

    with sdk.policy_pack_replaced(stand_in):
        assert pulumi_policy.PolicyPack is stand_in
        assert pulumi_policy.policy.PolicyPack is stand_in
    assert pulumi_policy.PolicyPack is original
    assert pulumi_policy.policy.PolicyPack is original


def test_config_context_is_what_pulumi_config_reads_and_is_undone() -> None:
    with sdk.config_context({"proj:key": "value", "proj:pw": "s3"}, {"proj:pw"}):
        config = pulumi.Config("proj")
        assert config.get("key") == "value"
        assert pulumi_config.is_config_secret("proj:pw")
    assert pulumi.Config("proj").get("key") is None


def test_runtime_context_variables_exist() -> None:
    assert hasattr(sdk.SETTINGS, "monitor")
    assert sdk.ROOT.get(None) is None or isinstance(sdk.ROOT.get(), pulumi.Resource)
    assert callable(sdk.run_program)
