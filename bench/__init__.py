"""Benchmarks (`make bench`): speed and size targets are measured here, never in timed tests.

Each `bench/bench_*.py` module exposes ``run() -> list[Measurement]``; ``python -m bench`` runs
them all (or those named on the command line), prints one table and writes ``build/bench.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Measurement:
    """One measured figure, with the target it is judged against (if any)."""

    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    detail: str = ""

    @classmethod
    def below(
        cls, name: str, value: float, unit: str, limit: float, detail: str = ""
    ) -> Measurement:
        """A figure whose target is staying under ``limit`` (the target text and verdict agree)."""
        return cls(name, value, unit, f"< {limit:g} {unit}", value < limit, detail)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
