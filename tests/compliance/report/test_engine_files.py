"""`compliance report` on real engine files: unreadable ones exit 2 with a message naming the file
and the problem, and no file the report writes holds a secret, whatever form the input gave it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.__main__ import main
from compliance.checkov import CHECKOV
from compliance.report.evidence import Evidence
from tests.compliance.report_data import DATA

JUNIT = DATA / "evidence_junit.xml"
ENGINE = DATA / "engine"
PLANTED = "PLANTED"  # every secret planted in the engine fixtures contains it
CONFIG_SECRET = "whsec_PLANTEDonTheCommandLine"
needs_checkov = pytest.mark.skipif(not CHECKOV.exists(), reason="needs .venv-checkov")


def _report(out: Path, *extra: str) -> int:
    return main(["report", "--output", str(out), "--junit", str(JUNIT), *extra])


def _files_holding(out: Path, text: str) -> list[str]:
    return [
        str(p.relative_to(out))
        for p in sorted(out.rglob("*"))
        if p.is_file() and text.encode() in p.read_bytes()
    ]


@pytest.mark.parametrize(
    ("flag", "content", "problem"),
    [
        ("--from-stack-export", "", "is not JSON"),
        ("--from-stack-export", '{"version": 3, "deployment": {"resources": [', "is not JSON"),
        ("--from-stack-export", "\xff\xfe", "cannot read"),
        ("--from-stack-export", "[" * 100_000, "is not JSON"),
        ("--from-stack-export", "[]", "top level is list"),
        ("--from-stack-export", '{"version": 9, "deployment": {}}', "schema version 9"),
        (
            "--from-stack-export",
            '{"version": 3, "deployment": {"resources": [{"urn": "u", "type": "t", '
            '"propertyDependencies": {"p": 3}}]}}',
            "u: `p` is 3, expected a list",
        ),
        ("--from-preview", '{"version": 3, "deployment": {}}', "use --from-stack-export"),
        ("--from-preview", '{"steps": [{"op": "update", "urn": "u"}]}', "without a `newState`"),
    ],
)
def test_an_unreadable_file_exits_2_naming_the_file_and_the_problem(
    tmp_path, capsys, flag, content, problem
):
    path = tmp_path / "state.json"
    path.write_bytes(content.encode("latin-1"))
    assert _report(tmp_path / "out", flag, str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert str(path) in err
    assert problem in err
    assert "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert _report(tmp_path / "out", "--from-preview", str(tmp_path / "absent.json")) == 2
    assert "absent.json" in capsys.readouterr().err


@needs_checkov
@pytest.mark.parametrize(
    ("flag", "name"),
    [
        ("--from-stack-export", "stack_export_v4_show_secrets.json"),
        ("--from-stack-export", "state_checkpoint_v3.json"),
        ("--from-preview", "pulumi_preview_other_providers.json"),
    ],
)
def test_no_file_the_report_writes_holds_a_secret(tmp_path, flag, name):
    source = ENGINE / name
    out = tmp_path / "out"
    config = f"payment-webhooks:stripeSigningSecret={CONFIG_SECRET}"
    status = _report(out, flag, str(source), "--config", config)
    assert status in (0, 1, 3)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {"capture.json", "evidence.json", "report.md", "report.html"} <= {
        p.name for p in written
    }
    assert any(p.parent.name == "oscal" for p in written)
    assert (out / "checkov" / "plan.json").is_file()
    assert _files_holding(out, PLANTED) == []
    evidence = Evidence.model_validate_json((out / "evidence.json").read_text())
    assert evidence.metadata.config == {"payment-webhooks:stripeSigningSecret": "[secret]"}


@needs_checkov
def test_other_providers_stay_in_the_report_and_out_of_checkov_with_a_note(tmp_path):
    out = tmp_path / "out"
    _report(out, "--from-stack-export", str(ENGINE / "stack_export_v4_show_secrets.json"))
    evidence = Evidence.model_validate_json((out / "evidence.json").read_text())
    inventory = {r.type for r in evidence.resources}
    assert "random:index/randomPassword:RandomPassword" in inventory
    assert "tls:index/privateKey:PrivateKey" in inventory
    assert evidence.checkov["resource_count"] == evidence.checkov["expected_count"] == 27
    assert evidence.checkov["problems"] == []
    assert len(evidence.checkov["not_scanned"]) == 3
    assert all("not a pulumi-aws resource" in n for n in evidence.checkov["not_scanned"])
    plan = json.loads((out / "checkov" / "plan.json").read_text())
    types = {r["type"] for r in plan["planned_values"]["root_module"]["resources"]}
    assert all(t.startswith("aws_") for t in types)


@needs_checkov
def test_a_preview_without_unchanged_resources_is_incomplete_and_says_why(tmp_path):
    out = tmp_path / "out"
    status = _report(out, "--from-preview", str(ENGINE / "pulumi_preview_other_providers.json"))
    evidence = Evidence.model_validate_json((out / "evidence.json").read_text())
    assert [p for p in evidence.incomplete if "--show-sames" in p]
    assert status != 0


@needs_checkov
def test_the_offline_preview_never_writes_a_secret_given_on_the_command_line(tmp_path):
    out = tmp_path / "out"
    _report(out, "--config", f"stripeSigningSecret={CONFIG_SECRET}")
    assert _files_holding(out, CONFIG_SECRET) == []
    capture = json.loads((out / "capture.json").read_text())
    param = next(r for r in capture["resources"] if r["name"].startswith("stripe-signing-secret"))
    assert param["inputs"]["value"] == "[secret]"
