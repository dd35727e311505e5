"""Run the benchmarks, print a table and write build/bench.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

import bench
from bench import Measurement

OUTPUT = Path("build/bench.json")


def _modules(selected: list[str]) -> list[str]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    return [n for n in names if not selected or n.removeprefix("bench_") in selected]


def _table(rows: list[tuple[str, Measurement]]) -> str:
    lines = [f"{'suite':<14} {'measurement':<46} {'value':>12} {'unit':<8} {'target':<12} ok"]
    for suite, m in rows:
        ok = "-" if m.ok is None else ("yes" if m.ok else "NO")
        lines.append(f"{suite:<14} {m.name:<46} {m.value:>12.3f} {m.unit:<8} {m.target:<12} {ok}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("suites", nargs="*", help="suite names (default: all)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    rows: list[tuple[str, Measurement]] = []
    for name in _modules(args.suites):
        module = importlib.import_module(f"bench.{name}")
        rows.extend((name.removeprefix("bench_"), m) for m in module.run())
    if not rows:
        print("no benchmarks selected", file=sys.stderr)
        return 2

    print(_table(rows))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {"python": platform.python_version(), "machine": platform.machine()},
                "results": [{"suite": s, **m.as_dict()} for s, m in rows],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten: {args.output}")
    return 1 if any(m.ok is False for _, m in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
