"""Scrubber cost on crafted worst cases: CPU time per MiB, and per 256 KiB receiver request.

Each input is built so that no window is a card number (nothing is redacted early, every
window is examined): long digit runs, grouped digits with every kind of separator, digits of
another script, URL-encoded gaps and identifier-shaped tokens, where no window passes Luhn;
and runs of zeros, where every window passes Luhn but begins ``00``, so the second check runs
for every window length. The scrubber is linear (per digit, a bounded number of byte
operations for each of the 7 window lengths), so the 1 MiB figure is four times the 256 KiB
one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
ROUNDS = 3
LIMIT_SECONDS_PER_MIB = 1.0

# Repeated units of digit "1": a run of k ones never passes Luhn (its sum, ceil(k/2) + 2 *
# floor(k/2), is never a multiple of ten for k in 13..19), so every window is checked.
UNITS = {
    "digit run": "1",
    "groups of four": "1111 ",
    "mixed separators": "11.11\u00a011_11 - 11\t",
    "arabic-indic digits": "\u0661",
    "url-encoded gaps": "11%2D11+",
    "ids glued to letters": "1111111111111a",
    # A chain may start glued to a letter and end glued to one, and its last group is optional.
    "chains starting after letters": "a1 1 ",
    "chains glued at both ends": "a11 11 11b ",
    # A chain holding "%" is read twice: its %XX as separators and as digits.
    "percent between groups": "11%11%",
    "url-encoded gaps glued to letters": "a1%2D1%2Db",
    # Every window of zeros passes Luhn and begins "00": no card number (ISO/IEC 7812-1).
    "zero run": "0",
    "zero groups": "0000-",
}


def crafted(size: int) -> dict[str, str]:
    """The worst-case inputs, each ``size`` characters long."""
    return {name: (unit * (size // len(unit) + 1))[:size] for name, unit in UNITS.items()}


def cpu_seconds(text: str) -> float:
    """Best CPU time of ``ROUNDS`` scrubs of ``text``."""
    from webhook_processor.scrub import scrub_text

    best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        scrub_text(text)
        best = min(best, time.process_time() - start)
    return best


def run() -> list[Measurement]:
    sys.path.insert(0, str(ROOT / "lambda"))
    results = []
    for name, text in crafted(MIB).items():
        seconds = cpu_seconds(text)
        request = cpu_seconds(text[: MIB // 4])
        results.append(
            Measurement.below(
                f"scrub 1 MiB, {name}",
                seconds,
                "s",
                LIMIT_SECONDS_PER_MIB,
                detail=f"256 KiB request {request * 1000:.0f} ms; ratio {seconds / request:.1f}",
            )
        )
    return results
