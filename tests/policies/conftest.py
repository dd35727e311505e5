"""Policy tests run as the CLI runs the analyzer: with the stack name in PULUMI_STACK."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _stack_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI tells the analyzer its stack; the suffix policy falls back to it."""
    monkeypatch.setenv("PULUMI_STACK", "dev")
