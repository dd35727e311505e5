"""The signatures benchmark reports, per routed provider, the verification's share of a warm
receiver invocation (a short run: the figures themselves are `make bench`'s)."""

from __future__ import annotations

import re

import pytest

from bench import bench_signatures


def test_each_routed_provider_gets_its_share_of_a_warm_invocation(monkeypatch):
    monkeypatch.setattr(bench_signatures, "ROUNDS", 1)
    monkeypatch.setattr(bench_signatures, "ROUND_SECONDS", 0.01)
    shares = bench_signatures._shares_of_a_warm_invocation()
    assert [m.name.split(":")[0] for m in shares] == ["stripe", "square", "paypal", "adyen"]
    for measurement in shares:
        assert measurement.unit == "%"
        assert 0 < measurement.value < 100
        assert measurement.ok is None  # no target: nothing to tune
        verify_us, invoke_ms = map(float, re.findall(r"([\d.]+) [um]s", measurement.detail))
        assert measurement.value == pytest.approx(100 * verify_us / 1000 / invoke_ms, rel=0.1)
