"""Run the real stack program once per configuration under the Pulumi mock runtime.

The offline preview engine (compliance.preview) captures every registered resource with its
inputs and options, exactly as the engine receives them, so these tests assert on what
`pulumi preview` would see rather than on Python objects.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from compliance.preview import Preview, run_preview

ROOT = Path(__file__).resolve().parents[2]
BASE_CONFIG = {
    "environmentSuffix": "qa",
    "environment": "testing",
    "costCenter": "cc-1234",
    "owner": "payments-team@example.com",
}


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in bundle: the stack needs only the file (make package builds the real one)."""
    path = tmp_path_factory.mktemp("bundle") / "lambda.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("webhook_processor/__init__.py", "")
    return path


@pytest.fixture(scope="session")
def run_stack(bundle: Path) -> Callable[..., Preview]:
    """Preview the stack with BASE_CONFIG plus overrides (raises ProgramError if it fails)."""

    def run(unknowns: bool = False, **overrides: str) -> Preview:
        config = {**BASE_CONFIG, "lambdaBundle": str(bundle), **overrides}
        return run_preview(ROOT, stack="qa", config=config, unknowns=unknowns)

    return run


@pytest.fixture(scope="session")
def preview_stack(run_stack: Callable[..., Preview]) -> Callable[..., Preview]:
    """`run_stack`, cached per configuration: each configuration runs the program once."""
    cache: dict[tuple[tuple[str, str], ...], Preview] = {}

    def run(unknowns: bool = False, **overrides: str) -> Preview:
        key = (("unknowns", str(unknowns)), *sorted(overrides.items()))
        if key not in cache:
            cache[key] = run_stack(unknowns=unknowns, **overrides)
        return cache[key]

    return run


@pytest.fixture(scope="session")
def stack(preview_stack: Callable[..., Preview]) -> Preview:
    return preview_stack()
