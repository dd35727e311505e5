"""`make policy-venv` prepares the virtualenv the Pulumi CLI runs the local policy pack in: the one
PulumiPolicy.yaml names (runtime.options.virtualenv, relative to the pack), with the pack's
requirements."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "policies"


@pytest.fixture(scope="module")
def recipe() -> list[list[str]]:
    """The commands `make policy-venv` would run (make -n: printed, not run)."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    proc = subprocess.run(
        ["make", "-n", "-B", "policy-venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [shlex.split(line) for line in proc.stdout.splitlines() if line.strip()]


def test_the_target_creates_the_virtualenv_pulumi_policy_yaml_names(recipe):
    runtime = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())["runtime"]
    assert runtime["name"] == "python"
    venv = (PACK / runtime["options"]["virtualenv"]).relative_to(ROOT).as_posix()
    creates = [c for c in recipe if c[1:3] == ["-m", "venv"]]
    assert [c[3] for c in creates] == [venv]
    installs = [c for c in recipe if c[:4] == [f"{venv}/bin/python", "-m", "pip", "install"]]
    assert len(installs) == 1
    assert installs[0][installs[0].index("-r") + 1] == "policies/requirements.txt"


def test_the_pack_requirements_hold_what_the_pack_imports():
    names = {
        line.split("==")[0].lower()
        for line in (PACK / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert {"pulumi", "pulumi-policy"} <= names
