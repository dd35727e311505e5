"""Costly results shared by the compliance tests: one checkov scan of the dev capture and one
report of the recorded stack export per session, instead of one per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.checkov import CHECKOV, ScanResult, run_checkov
from tests.compliance.report_data import EXPORT_FILE, capture, run_report


@pytest.fixture(scope="session")
def dev_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanResult, Path]:
    """checkov on the dev capture, and the directory holding its outputs (do not modify).

    The directory's path holds a 40-character run of [A-Za-z0-9/+=] ("aaa.../checkov/plan"),
    which checkov's secret regex once mistook for a key in the Lambda environment."""
    if not CHECKOV.exists():
        pytest.skip("needs .venv-checkov")
    out = tmp_path_factory.mktemp("x-" + "a" * 27, numbered=False) / "checkov"
    return run_checkov(capture()["resources"], out), out


@pytest.fixture(scope="session")
def export_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """The report of the recorded stack export, with the real checkov (do not modify)."""
    if not CHECKOV.exists():
        pytest.skip("needs .venv-checkov")
    return run_report(tmp_path_factory.mktemp("export"), "--from-stack-export", str(EXPORT_FILE))
