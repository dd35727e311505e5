"""`compliance policy-config`: the pack's settings follow the stack's configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.__main__ import main
from compliance.policy_config import pack_config
from compliance.policy_engine import DEFAULT_PACK_DIR, evaluate, load_pack, reconcile_config
from compliance.preview import Preview, run_preview
from stack.config import StackConfig

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"environmentSuffix": "qa", "environment": "t", "costCenter": "c", "owner": "o"}
CHANGED = {"maxRetries": "2", "logRetentionDays": "90", "reservedConcurrency": "50"}


def test_every_setting_is_one_the_pack_declares_and_accepts() -> None:
    pack = load_pack(DEFAULT_PACK_DIR)
    schemas = {p.name: p.config_schema for p in pack.policies}
    config = pack_config(StackConfig.from_mapping({**REQUIRED, **CHANGED}))
    for policy, properties in config.items():
        declared = schemas[policy].properties if schemas[policy] else {}
        assert set(properties) <= set(declared), policy
    settings = reconcile_config(pack, config)
    assert settings["sqs-consumed-queue-redrive"].properties["maxReceiveCount"] == 3
    assert settings["cloudwatch-log-group-retention"].properties["logRetentionDays"] == 90


def test_a_default_stack_matches_the_packs_own_defaults_but_for_its_suffix() -> None:
    pack = load_pack(DEFAULT_PACK_DIR)
    defaults = reconcile_config(pack)
    for policy, properties in pack_config(StackConfig.from_mapping(REQUIRED)).items():
        for name, value in properties.items():
            if name != "environmentSuffix":
                assert defaults[policy].properties[name] == value, f"{policy}.{name}"


def _mandatory(preview: Preview, config: dict[str, object] | None) -> list[str]:
    resources = json.loads(preview.to_json())["resources"]
    found = evaluate(resources, DEFAULT_PACK_DIR, config, stack="qa")
    return sorted({v["policy"] for v in found if v["level"] == "mandatory"})


def test_the_generated_config_admits_a_stack_that_changed_the_shared_values(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "lambda.zip"
    bundle.write_bytes(b"")  # the stack needs only the file
    config = {**REQUIRED, **CHANGED, "lambdaBundle": str(bundle)}
    preview = run_preview(ROOT, stack="qa", config=config)
    assert _mandatory(preview, None) == [
        "cloudwatch-log-group-retention",
        "lambda-function-reserved-concurrency",
        "sqs-consumed-queue-redrive",
    ]
    generated = pack_config(StackConfig.from_mapping({**REQUIRED, **CHANGED}))
    assert _mandatory(preview, generated) == []


def test_the_command_writes_the_config_of_the_example_stack(tmp_path: Path) -> None:
    out = tmp_path / "policy.json"
    assert (
        main(["policy-config", "--program", str(ROOT), "--stack", "dev", "--output", str(out)]) == 0
    )
    written = json.loads(out.read_text())
    assert written["resource-name-environment-suffix"] == {"environmentSuffix": "dev"}
    assert written["sqs-consumed-queue-redrive"] == {"maxReceiveCount": 6}


def test_an_invalid_stack_config_is_a_usage_error_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["policy-config", "--program", str(ROOT), "--config", "maxRetries=-1"]
    assert main([*argv, "--output", str(tmp_path / "p.json")]) == 2
    assert "maxRetries" in capsys.readouterr().err
    assert not (tmp_path / "p.json").exists()
