"""``python -m webhook_processor verify``, run as a user would: exit 0 valid, 1 invalid, 2 usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from . import sigkit
from .oracles import REPO, PayPalWorld
from .sigkit import NOW

BODY = sigkit.event_body()


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "lambda")}
    return subprocess.run(
        [sys.executable, "-m", "webhook_processor", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=60,
    )


def _delivery(
    provider: str, pki: sigkit.PKI
) -> tuple[dict[str, str], bytes, dict[str, Any], float]:
    """A valid captured delivery, its config and the moment it verifies at."""
    if provider == "stripe":
        headers = {"Stripe-Signature": sigkit.stripe_header(BODY)}
        return headers, BODY, {"secret": sigkit.STRIPE_SECRET, "tolerance": 300}, NOW
    if provider == "square":
        square = {"signature_key": sigkit.SQUARE_KEY, "notification_url": sigkit.SQUARE_URL}
        return {"x-square-hmacsha256-signature": sigkit.square_signature(BODY)}, BODY, square, NOW
    if provider == "adyen":
        body = sigkit.adyen_notification([sigkit.adyen_sign_item(sigkit.adyen_item())])
        return {}, body, {"hmac_key_hex": sigkit.ADYEN_KEY_HEX, "mode": "notification_item"}, NOW
    if provider == "standardwebhooks":
        return sigkit.standard_headers(BODY), BODY, {"secret": sigkit.STANDARD_SECRET}, NOW
    world = PayPalWorld(pki, time.time())
    config: dict[str, Any] = {
        "webhook_id": sigkit.PAYPAL_WEBHOOK_ID,
        "trust_store_pems": pki.trust_pems,
        "allowed_cert_url_hosts": ["api.paypal.com"],
        "tolerance": 300,
        "cert_pems_by_url": {world.url("valid"): pki.served},
    }
    return world.headers(BODY), BODY, config, world.now


def _files(tmp: Path, headers: Any, body: bytes, config: Any) -> list[str]:
    (tmp / "headers.json").write_text(json.dumps(headers))
    (tmp / "body.bin").write_bytes(body)
    (tmp / "config.json").write_text(json.dumps(config))
    return ["--headers", str(tmp / "headers.json"), "--body", str(tmp / "body.bin"),
            "--config", str(tmp / "config.json")]  # fmt: skip


PROVIDERS = ["stripe", "square", "paypal", "adyen", "standardwebhooks"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_valid_delivery_exits_0(provider: str, pki: sigkit.PKI, tmp_path: Path) -> None:
    headers, body, config, now = _delivery(provider, pki)
    done = _run(["verify", "--provider", provider, *_files(tmp_path, headers, body, config),
                 "--now", str(now)])  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "valid\n", "")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_tampered_delivery_exits_1_with_the_reason(
    provider: str, pki: sigkit.PKI, tmp_path: Path
) -> None:
    headers, body, config, now = _delivery(provider, pki)
    tampered = body.replace(b"evt_", b"EVT_").replace(b"order-0", b"order-9")
    done = _run(["verify", "--provider", provider, *_files(tmp_path, headers, tampered, config),
                 "--now", str(now)])  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "invalid: bad_signature\n")


def test_stale_delivery_exits_1(pki: sigkit.PKI, tmp_path: Path) -> None:
    headers, body, config, _ = _delivery("stripe", pki)
    done = _run(["verify", "--provider", "stripe", *_files(tmp_path, headers, body, config),
                 "--now", str(NOW + 3600)])  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "invalid: stale_timestamp\n")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [({}, (1, "invalid: disallowed_cert_url\n")), ({"sandbox": True}, (0, "valid\n"))],
)
def test_a_sandbox_delivery_needs_sandbox_true(
    extra: dict[str, Any], expected: tuple[int, str], pki: sigkit.PKI, tmp_path: Path
) -> None:
    world = PayPalWorld(pki, time.time())
    url = "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-sandbox"
    config = {
        "webhook_id": sigkit.PAYPAL_WEBHOOK_ID,
        "trust_store_pems": pki.trust_pems,
        "cert_pems_by_url": {url: pki.variants["sandbox"]},
        **extra,
    }
    headers = world.headers(BODY, cert_url=url)
    done = _run(["verify", "--provider", "paypal", *_files(tmp_path, headers, BODY, config),
                 "--now", str(world.now)])  # fmt: skip
    assert (done.returncode, done.stdout) == expected


@pytest.mark.parametrize("provider", PROVIDERS)
def test_bad_config_exits_2_with_a_message(provider: str, pki: sigkit.PKI, tmp_path: Path) -> None:
    headers, body, config, _ = _delivery(provider, pki)
    broken = {**config, next(iter(config)): "UNSET: not filled in"}
    done = _run(["verify", "--provider", provider, *_files(tmp_path, headers, body, broken)])
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"error: {provider}: setting" in done.stderr
    assert "UNSET" in done.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda tmp: ["--body", str(tmp / "missing.bin")], "cannot read body file"),
        (lambda tmp: ["--headers", str(tmp / "missing.json")], "cannot read headers file"),
        (lambda tmp: ["--config", str(tmp / "broken.json")], "is not valid JSON"),
        (lambda tmp: ["--headers", str(tmp / "list.json")], "must hold a JSON object"),
        (lambda tmp: ["--now", "nan"], "epoch seconds"),
        (lambda tmp: ["--provider", "acme"], "invalid choice: 'acme'"),
    ],
)
def test_usage_errors_exit_2(change: Any, message: str, pki: sigkit.PKI, tmp_path: Path) -> None:
    headers, body, config, _ = _delivery("stripe", pki)
    (tmp_path / "list.json").write_text("[]")
    (tmp_path / "broken.json").write_text("{")
    args = ["verify", "--provider", "stripe", *_files(tmp_path, headers, body, config)]
    override = change(tmp_path)
    if override[0] in args:
        args[args.index(override[0]) + 1] = override[1]
    else:
        args += override
    done = _run(args)
    assert done.returncode == 2
    assert message in done.stderr


def test_no_command_is_a_usage_error() -> None:
    done = _run([])
    assert done.returncode == 2
    assert "verify" in done.stderr
