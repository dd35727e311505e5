"""Evidence-test results from the JUnit XML written with compliance.report.pytest_plugin."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class TestResult:
    """One evidence test: its node id, outcome and the requirements its marker names."""

    __test__ = False  # not a pytest test class
    test_id: str
    outcome: Outcome
    requirements: tuple[str, ...]
    message: str = ""


def read_junit(path: Path) -> list[TestResult]:
    """Parse pytest's JUnit XML; tests without evidence properties are ignored."""
    root = ET.parse(path).getroot()  # noqa: S314 - our own pytest output, not untrusted input
    results = []
    for case in root.iter("testcase"):
        props = [(p.get("name"), p.get("value") or "") for p in case.iter("property")]
        requirements = tuple(v for n, v in props if n == "evidence")
        if not requirements:
            continue
        node = next((v for n, v in props if n == "nodeid"), None)
        test_id = node or f"{case.get('classname')}::{case.get('name')}"
        outcome: Outcome = "passed"
        message = ""
        for tag in ("failure", "error", "skipped"):
            element = case.find(tag)
            if element is not None:
                outcome = "skipped" if tag == "skipped" else "failed"
                message = element.get("message") or ""
                break
        results.append(TestResult(test_id, outcome, requirements, message))
    return results


def collection_errors(path: Path) -> list[str]:
    """Test modules pytest could not import (their evidence is missing from the run)."""
    root = ET.parse(path).getroot()  # noqa: S314 - our own pytest output, not untrusted input
    return [
        f"{case.get('classname') or case.get('name')}"
        for case in root.iter("testcase")
        if (element := case.find("error")) is not None
        and (element.get("message") or "").startswith("collection failure")
    ]
