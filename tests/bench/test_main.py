"""`python -m bench SUITE` merges into build/bench.json instead of overwriting it."""

from __future__ import annotations

import json

import pytest

from bench import Measurement
from bench.__main__ import _previous, merged

OLD = {
    "suites": {"lambda": {"time": "t0", "seconds": 9.0}, "report": {"time": "t0", "seconds": 80.0}},
    "results": [
        {"suite": "lambda", "name": "cold start", "value": 1.0},
        {"suite": "report", "name": "make compliance-report", "value": 30.0},
    ],
}


def test_only_the_suites_run_are_replaced():
    fresh = Measurement.below("make compliance-report", 14.0, "s", 15)
    out = merged(OLD, [("report", fresh)], {"report": 60.5}, "t1")
    assert out["results"] == [
        {"suite": "lambda", "name": "cold start", "value": 1.0},
        {"suite": "report", **fresh.as_dict()},
    ]
    assert out["suites"]["lambda"] == {"time": "t0", "seconds": 9.0}
    assert out["suites"]["report"] == {"time": "t1", "seconds": 60.5}
    assert out["time"] == "t1"


def test_a_first_run_and_a_file_without_suites_work():
    out = merged({}, [("signatures", Measurement("x", 1.0, "ms"))], {"signatures": 2.0}, "t1")
    assert [r["suite"] for r in out["results"]] == ["signatures"]
    legacy = merged({"results": OLD["results"]}, [], {"report": 1.0}, "t1")
    assert [r["suite"] for r in legacy["results"]] == ["lambda"]


def test_an_unreadable_results_file_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "bench.json"
    assert _previous(path) == {}
    path.write_text("{truncated")
    with pytest.raises(SystemExit, match="not JSON"):
        _previous(path)
    path.write_text(json.dumps(OLD))
    assert _previous(path) == OLD
