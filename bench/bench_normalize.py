"""Normalisation throughput: records per second per provider, on one core.

Each provider's stored events from the test corpus (tests/lambda/provider_events.py) are
normalised in a loop, payload to validated ``TransactionRecord`` plus its SNS message, the work
the processor does per message before any AWS call. No target: the figures are there so later
changes to the normalisers can be compared.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
ROUND_SECONDS = 0.5
ROUNDS = 5


def _rate(provider: str, payloads: list[object]) -> float:
    from webhook_processor.normalize import normalize

    def once() -> None:
        for data in payloads:
            record = normalize(provider, data, received_at="2024-11-27T00:00:01.000000Z",
                               correlation_id="bench")  # fmt: skip
            if record is not None:
                record.to_message()

    count = 1
    while True:  # calibrate: enough repetitions to take about ROUND_SECONDS
        start = time.perf_counter()
        for _ in range(count):
            once()
        if time.perf_counter() - start >= ROUND_SECONDS / 4:
            break
        count *= 2
    best = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(count):
            once()
        best = max(best, count * len(payloads) / (time.perf_counter() - start))
    return best


def run() -> list[Measurement]:
    for path in (ROOT / "lambda", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    events = importlib.import_module("tests.lambda.provider_events")
    results = []
    for provider in ("stripe", "paypal", "square", "adyen"):
        cases = [c for c in events.CASES if c.provider == provider]
        payloads = [events.payload(provider, c.event_type, "note") for c in cases]
        rate = _rate(provider, payloads)
        results.append(
            Measurement(
                name=f"normalise {provider}",
                value=rate,
                unit="rec/s",
                detail=f"{len(payloads)} event types of the corpus, best of {ROUNDS} rounds",
            )
        )
    return results
