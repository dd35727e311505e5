"""Contract-shaped captures of the dev stack, shared by the report, checkov, live and policy
engine tests.

preview_capture.json follows the `compliance preview` JSON format (docs/preview.md);
pulumi_preview.json and stack_export.json are the same stack as `pulumi preview --json` and
`pulumi stack export` (ciphertext secrets) print it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from compliance.checkov import CHECKOV

DATA = Path(__file__).with_name("data")
CAPTURE_FILE = DATA / "preview_capture.json"
PREVIEW_FILE = DATA / "pulumi_preview.json"
EXPORT_FILE = DATA / "stack_export.json"
JUNIT = DATA / "evidence_junit.xml"  # a recorded evidence run: the suite never runs itself
needs_checkov = pytest.mark.skipif(not CHECKOV.exists(), reason="needs .venv-checkov")


def run_report(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    """`compliance report` into tmp_path/compliance on the recorded evidence JUnit."""
    from compliance.__main__ import main

    out = tmp_path / "compliance"
    status = main(["report", "--output", str(out), "--junit", str(JUNIT), *extra])
    return status, out


def capture() -> dict[str, Any]:
    """A fresh copy of the capture (tests mutate it)."""
    return copy.deepcopy(json.loads(CAPTURE_FILE.read_text()))


def resource(doc: dict[str, Any], type_: str, name_part: str = "") -> dict[str, Any]:
    """The one resource of this type whose name contains name_part."""
    found = [r for r in doc["resources"] if r["type"] == type_ and name_part in r["name"]]
    assert len(found) == 1, f"{len(found)} resources of {type_} matching {name_part!r}"
    return found[0]
