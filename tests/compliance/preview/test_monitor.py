"""Default providers as the engine synthesises them, and inputs traced to invented answers."""

import pytest

from compliance.preview.monitor import default_provider_inputs, default_provider_name
from compliance.preview.paths import paths_containing, string_leaves
from compliance.preview.wire import SECRET_SIGNATURE, SIGNATURE_KEY


@pytest.mark.parametrize(
    ("version", "name"),
    [
        ("7.51.1", "default_7_51_1"),
        ("6.0.0-alpha.1+dev", "default_6_0_0_alpha_1_dev"),
        ("", "default"),
    ],
)
def test_the_name_is_default_and_the_version_with_underscores(version, name):
    assert default_provider_name(version) == name


def test_inputs_are_the_packages_own_config_under_bare_keys_and_the_version():
    config = {
        "aws:region": "eu-west-1",
        "aws:defaultTags": '{"tags":{"Owner":"payments"}}',
        "awsx:region": "us-west-2",
        "shop:region": "ap-south-1",
        "aws:": "no key",
    }
    assert default_provider_inputs("aws", "7.51.1", config) == {
        "region": "eu-west-1",
        "defaultTags": '{"tags":{"Owner":"payments"}}',
        "version": "7.51.1",
    }
    assert default_provider_inputs("aws", "", {}) == {}


def test_a_secret_config_value_reaches_the_provider_as_a_secret():
    inputs = default_provider_inputs(
        "aws", "7.51.1", {"aws:secretKey": "s3cr3t", "aws:region": "eu-west-1"}, {"aws:secretKey"}
    )
    assert inputs["secretKey"] == {SIGNATURE_KEY: SECRET_SIGNATURE, "value": "s3cr3t"}
    assert inputs["region"] == "eu-west-1"


def test_paths_of_strings_that_contain_an_invented_value():
    value = {"a": "x-vpc-1", "b": ["no", {"c.d": "subnet-2/x"}], "n": 3}
    assert paths_containing(value, {"vpc-1", "subnet-2"}) == ["a", 'b[1]["c.d"]']
    assert paths_containing(value, set()) == []
    assert string_leaves(value) == {"x-vpc-1", "no", "subnet-2/x"}
