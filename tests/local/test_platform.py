"""The whole platform on 127.0.0.1: the demo, a short soak with every fault, and `serve`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import local
from local import demo, soak
from local.runtime import Runtime, post
from local.samples import PROVIDERS, routable

# Faults often enough that a few hundred deliveries meet each kind.
SHORT_FAULTS = {
    "throttle": 7, "internal": 9, "timeout": 29, "marker": 3, "publish": 5, "partial": 2, "die": 6,
}  # fmt: skip


def test_demo_outcomes_are_all_the_expected_ones() -> None:
    ok, report = demo.run()
    assert ok, report
    assert "stripe" in report
    assert "square" in report


def test_the_runtime_leaves_no_metrics_to_print_after_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Metrics are off locally; they must not pile up and come out at a later flush."""
    from webhook_processor.metrics import emf

    stripe = routable()["stripe"]
    with Runtime.started() as runtime:
        runtime.configure(stripe.name, stripe.settings)
        body, headers = stripe.delivery("completed", 1)
        assert post(f"{runtime.url}/stripe", body, headers) == 200
        assert runtime.wait_idle(timeout=30)
    capsys.readouterr()
    with pytest.warns(UserWarning, match="No application metrics"):
        emf.flush_metrics()
    assert "_aws" not in capsys.readouterr().out


def test_short_soak_loses_nothing_stores_nothing_twice_and_dead_letters_only_poison() -> None:
    plan = soak.SoakPlan(deliveries=120, concurrency=4, poison=1, forged=2, faults=SHORT_FAULTS)
    result = soak.run(plan)
    assert result["ok"], result["failures"]
    assert result["stored"] == result["stored_distinct"] == result["records_expected"] > 90
    assert result["published_distinct"] == result["records_expected"]
    assert result["dlq"]["poison_found"] == result["dlq"]["poison_sent"] == 2
    assert result["dlq"]["other"] == 0
    assert set(result["faults_injected"]) == set(SHORT_FAULTS)
    assert result["measured"]["invocations"]["processor_errors"] >= 1


def test_serve_answers_signed_deliveries_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    stripe = PROVIDERS["stripe"]
    config = tmp_path / "settings.json"
    config.write_text(json.dumps({"stripe": stripe.settings}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "local", "serve", "--port", "0", "--config-file", str(config)],
        cwd=local.ROOT, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        word, url, aws = line.split(" ")
        assert word == "ready"
        assert url.startswith("http://127.0.0.1:")
        assert aws.startswith("aws=http://127.0.0.1:")
        body, headers = stripe.delivery("completed", 1)
        assert post(f"{url}/stripe", body, headers) == 200
        assert post(f"{url}/stripe", body, {"stripe-signature": "t=1,v1=00"}) == 401
        assert post(f"{url}/nosuch", body, headers) == 404
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_serve_refuses_a_setting_the_receiver_cannot_read_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "settings.json"
    config.write_text(json.dumps({"stripe": {"secret": "whsec_x", "colour": "red"}}))
    done = subprocess.run(
        [sys.executable, "-m", "local", "serve", "--config-file", str(config)],
        cwd=local.ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "'colour' is not one the deployed receiver reads" in done.stderr
