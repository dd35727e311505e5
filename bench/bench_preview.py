"""Offline preview speed: `python -m compliance preview` on the stack, in a fresh process.

A fresh process is what `make preview` and CI pay: interpreter start, `import pulumi` and
pulumi_aws, the program run under mocks, the JSON write. Target under 3 s on the 2-core box.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
TARGET_SECONDS = 3.0


def _fresh_process_seconds(json_path: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "compliance", "preview", "--stack", "dev"]
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - fixed argv, this interpreter
        [*command, "--json", str(json_path), *extra],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return time.perf_counter() - start


def _in_process_rerun_seconds() -> float:
    """A warm second run in one process (what a test session or the report pays per rerun)."""
    from compliance.preview import run_preview

    run_preview(ROOT, "dev")
    start = time.perf_counter()
    run_preview(ROOT, "dev")
    return time.perf_counter() - start


def run() -> list[Measurement]:
    measurements = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in (("", ()), (" --unknowns", ("--unknowns",))):
            times = [_fresh_process_seconds(Path(tmp) / "p.json", *extra) for _ in range(RUNS)]
            median = statistics.median(times)
            measurements.append(
                Measurement.below(
                    name=f"preview{label}, fresh process (median)",
                    value=median,
                    unit="s",
                    limit=TARGET_SECONDS,
                    detail=f"{RUNS} runs, min {min(times):.3f} s, max {max(times):.3f} s",
                )
            )
    measurements.append(
        Measurement(
            name="run_preview, warm rerun in one process",
            value=_in_process_rerun_seconds() * 1000,
            unit="ms",
        )
    )
    return measurements
