"""Every corpus program runs through `compliance preview` to exit 0 or 1 with its JSON written,
and produces the findings its `expected.json` lists (and none of what it forbids)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.__main__ import build_parser

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
