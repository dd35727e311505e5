"""Project and stack configuration as the Pulumi CLI hands it to a program."""

import json

import pytest

from compliance.preview.config import (
    ProjectError,
    as_config_string,
    load_config,
    load_project,
    parse_assignment,
    qualify,
)


@pytest.fixture
def project_dir(tmp_path):
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "Pulumi.yaml").write_text(
        "name: shop\nruntime: python\nconfig:\n"
        "  retention:\n    type: integer\n    default: 14\n"
        "  region:\n    default: eu-west-1\n"
        "  pulumi:tags:\n    value:\n      team: payments\n"
    )
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  shop:suffix: dev\n"
        "  shop:retention: 30\n"
        "  shop:enabled: true\n"
        "  shop:tags:\n    Owner: me\n"
        "  shop:token:\n    secure: v1:abc:def\n"
        "  aws:region: us-east-1\n"
    )
    return tmp_path


def test_stack_file_overrides_project_defaults_and_values_are_strings(project_dir):
    config = load_config(load_project(project_dir), "dev", {})
    assert config.values == {
        "aws:region": "us-east-1",
        "pulumi:tags": json.dumps({"team": "payments"}),
        "shop:enabled": "true",
        "shop:region": "eu-west-1",
        "shop:retention": "30",
        "shop:suffix": "dev",
        "shop:tags": json.dumps({"Owner": "me"}),
    }


def test_secure_values_are_absent_and_reported(project_dir):
    config = load_config(load_project(project_dir), "dev", {})
    assert "shop:token" not in config.values
    assert config.absent_secure == ("shop:token",)
    assert config.secret_keys == frozenset()


def test_overrides_win_and_take_the_project_namespace(project_dir):
    config = load_config(
        load_project(project_dir), "dev", {"suffix": "pr7", "aws:region": "us-west-2"}
    )
    assert config.values["shop:suffix"] == "pr7"
    assert config.values["aws:region"] == "us-west-2"


def test_a_secure_key_given_on_the_command_line_stays_a_secret(project_dir):
    config = load_config(load_project(project_dir), "dev", {"token": "whsec_x"})
    assert config.values["shop:token"] == "whsec_x"
    assert config.secret_keys == frozenset({"shop:token"})
    assert config.absent_secure == ()


def test_a_stack_without_a_file_gets_the_project_defaults_only(project_dir):
    config = load_config(load_project(project_dir), "prod", {})
    assert config.values == {
        "pulumi:tags": json.dumps({"team": "payments"}),
        "shop:region": "eu-west-1",
        "shop:retention": "14",
    }


def test_project_main_points_at_the_program(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__main__.py").write_text("")
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nmain: src\n")
    assert load_project(tmp_path).main == tmp_path / "src"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no Pulumi.yaml here"),
        ({"Pulumi.yaml": "runtime: python\n"}, "the project has no name"),
        ({"Pulumi.yaml": "name: p\n"}, "no Python program"),
        ({"Pulumi.yaml": "name: [p\n"}, "is not YAML"),
        ({"Pulumi.yaml": "- a\n"}, "expected a mapping"),
    ],
)
def test_unusable_projects_are_explained(tmp_path, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ProjectError, match=message):
        load_project(tmp_path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("x", "x"), (True, "true"), (False, "false"), (7, "7"), (1.5, "1.5"), ([1], "[1]")],
)
def test_config_values_reach_the_program_as_cli_strings(value, expected):
    assert as_config_string(value) == expected


def test_qualify_and_parse_assignment():
    assert qualify("suffix", "shop") == "shop:suffix"
    assert qualify("aws:region", "shop") == "aws:region"
    assert parse_assignment("url=https://x/?a=b") == ("url", "https://x/?a=b")
    for bad in ("novalue", "=x"):
        with pytest.raises(ValueError, match="expected KEY=VALUE"):
            parse_assignment(bad)
