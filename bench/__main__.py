"""Run the benchmarks, print a table and merge their results into build/bench.json.

Running some suites (`python -m bench report`) replaces only those suites' results: the others'
last results stay, each with the time it was measured (`suites`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import bench
from bench import Measurement
from compliance.files import FileFormatError, read_object

OUTPUT = Path("build/bench.json")


def _modules(selected: list[str]) -> list[str]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    return [n for n in names if not selected or n.removeprefix("bench_") in selected]


def _table(rows: list[tuple[str, Measurement]]) -> str:
    width = max([len("measurement"), *(len(m.name) for _, m in rows)])
    lines = [f"{'suite':<12} {'measurement':<{width}} {'value':>10} {'unit':<6} {'target':<10} ok"]
    for suite, m in rows:
        ok = "-" if m.ok is None else ("yes" if m.ok else "NO")
        lines.append(
            f"{suite:<12} {m.name:<{width}} {m.value:>10.3f} {m.unit:<6} {m.target:<10} {ok}"
        )
    return "\n".join(lines)


def merged(
    previous: Mapping[str, Any],
    rows: Sequence[tuple[str, Measurement]],
    seconds: Mapping[str, float],
    now: str,
) -> dict[str, Any]:
    """build/bench.json after this run (pure): the suites run (the keys of ``seconds``) replace
    their previous results and timing; every other suite's are kept."""
    kept = [r for r in previous.get("results", []) if r.get("suite") not in seconds]
    suites = {k: v for k, v in previous.get("suites", {}).items() if k not in seconds}
    suites.update({name: {"time": now, "seconds": round(s, 3)} for name, s in seconds.items()})
    return {
        "time": now,
        "machine": {"python": platform.python_version(), "machine": platform.machine()},
        "suites": dict(sorted(suites.items())),
        "results": sorted(
            kept + [{"suite": s, **m.as_dict()} for s, m in rows], key=lambda r: str(r["suite"])
        ),
    }


def _previous(path: Path) -> dict[str, Any]:
    """The results file so far ({} if there is none); an unreadable one is an error, not
    something to overwrite."""
    if not path.exists():
        return {}
    try:
        return read_object(path, what="bench results")
    except FileFormatError as exc:
        msg = f"{exc}; move it away to start afresh"
        raise SystemExit(msg) from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("suites", nargs="*", help="suite names (default: all)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    previous = _previous(args.output)
    rows: list[tuple[str, Measurement]] = []
    seconds: dict[str, float] = {}
    for name in _modules(args.suites):
        suite = name.removeprefix("bench_")
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        rows.extend((suite, m) for m in module.run())
        seconds[suite] = time.perf_counter() - started
    if not rows:
        print("no benchmarks selected", file=sys.stderr)
        return 2

    print(_table(rows))
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(merged(previous, rows, seconds, now), indent=2) + "\n")
    print(f"\nwritten: {args.output}")
    return 1 if any(m.ok is False for _, m in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
