"""manifest.json and verify-evidence: any missing, altered or added file is caught."""

from __future__ import annotations

import json

import pytest

from compliance.__main__ import main
from compliance.manifest import sha256_file, verify_manifest, write_manifest


@pytest.fixture
def bundle(tmp_path):
    (tmp_path / "oscal").mkdir()
    (tmp_path / "report.md").write_text("# report\n")
    (tmp_path / "oscal" / "catalog.json").write_text("{}\n")
    write_manifest(tmp_path, {"git_commit": "abc"})
    return tmp_path


def test_manifest_lists_every_file_but_itself_with_sha256(bundle):
    doc = json.loads((bundle / "manifest.json").read_text())
    assert doc["files"] == {
        "oscal/catalog.json": sha256_file(bundle / "oscal" / "catalog.json"),
        "report.md": sha256_file(bundle / "report.md"),
    }
    assert doc["metadata"] == {"git_commit": "abc"}
    assert verify_manifest(bundle) == []


def test_known_digest(tmp_path):
    (tmp_path / "f").write_bytes(b"abc")
    assert sha256_file(tmp_path / "f") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_an_altered_file_fails(bundle):
    (bundle / "report.md").write_text("# report, edited\n")
    problems = verify_manifest(bundle)
    assert len(problems) == 1
    assert problems[0].startswith("altered: report.md")


def test_a_missing_file_fails(bundle):
    (bundle / "oscal" / "catalog.json").unlink()
    assert verify_manifest(bundle) == ["missing: oscal/catalog.json"]


def test_an_added_file_fails(bundle):
    (bundle / "extra.txt").write_text("x")
    assert verify_manifest(bundle) == ["not in the manifest: extra.txt"]


def test_no_manifest_fails(tmp_path):
    assert "missing" in verify_manifest(tmp_path)[0]


def test_cli_exit_codes(bundle, capsys):
    assert main(["verify-evidence", "--dir", str(bundle)]) == 0
    assert "OK, 2 files" in capsys.readouterr().out
    (bundle / "report.md").write_text("tampered")
    assert main(["verify-evidence", "--dir", str(bundle)]) == 1
    assert "altered: report.md" in capsys.readouterr().out
