"""`compliance preview` gates on the policy pack like `pulumi preview --policy-pack` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.__main__ import main

REPO = Path(__file__).resolve().parents[3]


def preview(tmp_path: Path, *args: str) -> tuple[int, dict]:
    out = tmp_path / "preview.json"
    status = main(["preview", "--program", str(REPO), "--json", str(out), *args])
    return status, json.loads(out.read_text()) if out.exists() else {}


def test_the_stack_passes_the_pack(tmp_path: Path) -> None:
    status, written = preview(tmp_path)
    assert status == 0
    assert written["violations"] == []


def test_a_mandatory_violation_exits_1_and_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, written = preview(tmp_path, "--config", "logRetentionDays=7")
    assert status == 1
    found = {(v["policy"], v["level"], v["urn"].rsplit("::", 1)[1]) for v in written["violations"]}
    assert found == {
        ("cloudwatch-log-group-retention", "mandatory", "webhook-receiver-logs-dev"),
        ("cloudwatch-log-group-retention", "mandatory", "webhook-processor-logs-dev"),
    }
    assert "[mandatory]  cloudwatch-log-group-retention" in capsys.readouterr().out


def test_policy_pack_config_changes_the_verdict_like_the_cli(tmp_path: Path) -> None:
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"cloudwatch-log-group-retention": {"logRetentionDays": 7}}))
    status, written = preview(
        tmp_path, "--config", "logRetentionDays=7", "--policy-pack-config", str(config)
    )
    assert status == 0
    assert written["violations"] == []


def test_an_unusable_pack_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "no-pack"
    empty.mkdir()
    status, _ = preview(tmp_path, "--policy-pack", str(empty))
    assert status == 2
    assert "error:" in capsys.readouterr().err
