"""The repository's pins agree: what users install is what the tests ran against."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==(\S+)$")


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line (names normalised as pip does)."""
    found = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line.strip())
        if match:
            name = re.sub(r"\[.*\]", "", match.group(1))
            found[re.sub(r"[-_.]+", "-", name).lower()] = match.group(2)
    return found


DEV = pins(ROOT / "requirements-dev.txt")


@pytest.mark.parametrize(
    "requirements",
    ["requirements.txt", "policies/requirements.txt", "lambda/requirements.txt"],
)
def test_pins_match_the_tested_virtualenv(requirements: str) -> None:
    declared = pins(ROOT / requirements)
    assert declared, f"{requirements} pins nothing"
    for name, version in declared.items():
        assert DEV.get(name) == version, (
            f"{requirements}: {name}=={version}, .venv has {DEV.get(name)}"
        )


@pytest.mark.parametrize(
    "requirements",
    [
        "requirements.txt",
        "requirements-dev.txt",
        "requirements-checkov.txt",
        "requirements-paypal-oracle.txt",
        "policies/requirements.txt",
        "lambda/requirements.txt",
    ],
)
def test_every_requirement_is_pinned(requirements: str) -> None:
    for raw in (ROOT / requirements).read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            assert _PIN.match(line), f"{requirements}: unpinned {line!r}"


def _make_dry_run(*targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-n", *targets], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_every_make_target_ci_runs_exists() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    targets = re.findall(r"^make ([a-z-]+)$", ci, re.M)
    assert targets, ".ci/run runs no make target"
    for target in targets:
        dry = _make_dry_run(target)
        assert dry.returncode == 0, f"make {target}: {dry.stderr}"


def test_the_report_and_the_preview_use_the_generated_pack_config() -> None:
    for target in ("preview", "compliance-report"):
        commands = _make_dry_run(target).stdout
        assert "compliance policy-config --stack dev --output build/policy-config.dev.json" in (
            commands
        ), target
        assert "--policy-pack-config build/policy-config.dev.json" in commands, target


def test_the_suite_draws_the_same_hypothesis_examples_on_every_run() -> None:
    """``make test`` on a fresh clone must not depend on a random draw or on the clock."""
    from hypothesis import HealthCheck, settings

    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.database is None
    assert ci.deadline is None
    assert HealthCheck.too_slow in ci.suppress_health_check
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "HYPOTHESIS_PROFILE" not in test_recipe  # the default profile, ci, is used
