"""Every corpus program runs through `compliance preview` to exit 0 or 1 with its JSON written,
and produces the findings its `expected.json` lists (and none of what it forbids)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.__main__ import build_parser
from pci_pack import all_policies
from pci_pack.meta import RuleSet
from pci_pack.rule_sets import pack_config, rule_set_of

PROGRAMS = Path(__file__).resolve().parent / "programs"
CORPUS = sorted(p.parent for p in PROGRAMS.glob("*/expected.json"))


@pytest.mark.parametrize("program", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_program(program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads((program / "expected.json").read_text())
    out = tmp_path / "preview.json"
    args = build_parser().parse_args(["preview", "--program", str(program), "--json", str(out)])
    status = args.func(args)
    printed = capsys.readouterr()
    assert status == expected["exit"], printed.err
    text = out.read_text()
    data = json.loads(text)
    policies = {v["policy"] for v in data["violations"]}
    assert set(expected["mustFind"]) <= policies
    for forbidden in expected["mustNotFind"]:
        assert forbidden not in text
        assert forbidden not in printed.out + printed.err
    answered = {c["token"]: c["answer"] for c in data["dataSources"]}
    assert answered == expected["dataSources"]
    remote = sorted(r["type"] for r in data["resources"] if r.get("remote"))
    assert remote == sorted(expected.get("remote", []))
    assert all(
        "children not visible offline" in r["children"]
        for r in data["resources"]
        if r.get("remote")
    )
    assert "Traceback" not in printed.err


@pytest.mark.parametrize("program", CORPUS, ids=[p.name for p in CORPUS])
def test_the_pci_rule_set_alone_reports_no_platform_convention(
    program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another organisation's stack runs the PCI DSS rules alone: the platform's conventions
    (names, arm64, reserved concurrency...) stay silent, the PCI findings stay."""
    policies = all_policies()
    platform = {p.name for p in policies if rule_set_of(p) is RuleSet.PLATFORM}
    config = tmp_path / "pci-only.json"
    config.write_text(json.dumps(pack_config([RuleSet.PCI_DSS], policies)))
    out = tmp_path / "preview.json"
    argv = ["preview", "--program", str(program), "--json", str(out)]
    args = build_parser().parse_args([*argv, "--policy-pack-config", str(config)])
    args.func(args)
    capsys.readouterr()
    found = {v["policy"] for v in json.loads(out.read_text())["violations"]}
    expected = json.loads((program / "expected.json").read_text())
    assert not found & platform
    assert set(expected["mustFind"]) - platform <= found
