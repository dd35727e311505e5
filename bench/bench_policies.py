"""Policy evaluation speed: the whole PCI pack against the whole captured stack, offline.

Excludes the program run (captured once up front) and the one-off pack load, which are
reported separately: the figure is what `compliance preview` adds per run. Target < 50 ms, and
the pack's time as a ratio to the preview's own (warm) program run on the same stack: the
policies must cost less than running the program does.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
RUNS = 21
TARGET_MS = 50.0
TARGET_RATIO = 1.0


def run() -> list[Measurement]:
    from compliance.policy_engine import DEFAULT_PACK_DIR, evaluate, load_pack
    from compliance.preview import run_preview

    measurements = []
    start = time.perf_counter()
    pack = load_pack(DEFAULT_PACK_DIR)
    load_ms = (time.perf_counter() - start) * 1000
    for label, unknowns in (("", False), (", first preview", True)):
        preview = run_preview(ROOT, "dev", unknowns=unknowns)
        resources = json.loads(preview.to_json())["resources"]
        violations = evaluate(resources, stack="dev")  # warm-up
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            evaluate(resources, stack="dev")
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            run_preview(ROOT, "dev", unknowns=unknowns)
            runs.append((time.perf_counter() - start) * 1000)
        program_ms = statistics.median(runs)
        measurements.append(
            Measurement.below(
                name=f"pack time / preview run time{label}",
                value=round(median / program_ms, 3),
                unit="x",
                limit=TARGET_RATIO,
                detail=f"pack {median:.1f} ms vs program run {program_ms:.1f} ms (median of 5)",
            )
        )
        measurements.append(
            Measurement.below(
                name=f"pack on whole stack{label} (median)",
                value=median,
                unit="ms",
                limit=TARGET_MS,
                detail=f"{len(pack.policies)} policies x {len(resources)} resources, "
                f"{len(violations)} findings; {RUNS} runs, max {max(times):.1f} ms",
            )
        )
    measurements.append(
        Measurement(
            name="pack load (runs policies/__main__.py)",
            value=load_ms,
            unit="ms",
            detail="once per process; includes importing pulumi_policy and the rules",
        )
    )
    return measurements
