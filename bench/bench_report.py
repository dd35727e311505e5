"""Wall time of `make compliance-report` on a warm machine (target: under 15 s).

One warm-up run fills the OS page cache, Python bytecode caches and the Lambda bundle; the
figure is the median of the next three runs. A run that does not exit 0 (a failed evidence
test, missing evidence, a policy violation) did not produce the report, so its time proves
nothing: the measurement then fails whatever the time.
"""

from __future__ import annotations

import statistics
import subprocess
import time

from bench import Measurement

TARGET_S = 15.0
RUNS = 3


def _once() -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "compliance-report"],  # noqa: S607 - make from PATH
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started, proc.returncode


def run() -> list[Measurement]:
    _once()  # warm-up
    samples = [_once() for _ in range(RUNS)]
    times = [t for t, _ in samples]
    median = statistics.median(times)
    return [
        Measurement(
            name="make compliance-report (warm, median of 3)",
            value=median,
            unit="s",
            target=f"< {TARGET_S:.0f} s",
            ok=median < TARGET_S and all(rc == 0 for _, rc in samples),
            detail=f"runs {', '.join(f'{t:.1f}' for t in times)} s; exit "
            f"{', '.join(str(rc) for _, rc in samples)}",
        )
    ]
