"""Fixtures for the signature tests: the test PKI, a PayPal world, the paypalrestsdk oracle."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable

import pytest

from . import sigkit
from .oracles import PAYPAL_ORACLE, PAYPAL_PYTHON, PayPalWorld


@pytest.fixture(scope="session")
def pki() -> sigkit.PKI:
    return sigkit.make_pki(time.time())


@pytest.fixture
def paypal(pki: sigkit.PKI) -> PayPalWorld:
    world = PayPalWorld(pki, time.time())
    world.served = {world.url(name): text for name, text in pki.variants.items()}
    return world


@pytest.fixture(scope="session")
def paypal_sdk(
    pki: sigkit.PKI,
) -> Callable[[list[dict[str, str]], dict[str, str]], dict[str, bool]]:
    """Runs cases through paypalrestsdk in .venv-paypal; one subprocess per call."""
    if not PAYPAL_PYTHON.exists():
        pytest.skip("the PayPal oracle virtualenv is missing: run `make .venv-paypal/.installed`")

    def run(cases: list[dict[str, str]], served: dict[str, str]) -> dict[str, bool]:
        request = {
            "trust_pems": [sigkit.pem(pki.root), sigkit.pem(pki.intermediate)],
            "served": served,
            "cases": cases,
        }
        done = subprocess.run(
            [str(PAYPAL_PYTHON), str(PAYPAL_ORACLE)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        verdicts: dict[str, bool] = json.loads(done.stdout)["verdicts"]
        return verdicts

    return run
