"""python -m local demo | serve | soak (docs/local.md).

Exit codes: 0 success, 1 an outcome was not the expected one, 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import local  # noqa: F401 - puts the Lambda code on sys.path first


class UsageError(Exception):
    """Input the command cannot use (exit code 2)."""


def _settings(path: Path) -> dict[str, dict[str, Any]]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"cannot read config file {path}: {exc.strerror}"
        raise UsageError(msg) from None
    except ValueError as exc:
        msg = f"config file {path} is not valid JSON: {exc}"
        raise UsageError(msg) from None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        msg = f"config file {path} must hold a JSON object of provider -> settings object"
        raise UsageError(msg)
    return value


def demo(args: argparse.Namespace) -> int:
    from local.demo import run

    ok, report = run(args.stack)
    print(report)
    return 0 if ok else 1


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM, then drain the ingest queue and exit 0."""
    from local.runtime import Runtime, SettingsError, check_settings

    settings = _settings(args.config_file)
    try:
        for provider, values in settings.items():
            check_settings(provider, values)
    except SettingsError as exc:
        msg = f"config file {args.config_file}: {exc}"
        raise UsageError(msg) from None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with Runtime.started(args.stack, port=args.port) as runtime:
        for provider, values in settings.items():
            runtime.configure(provider, values)
        print(f"ready {runtime.url} aws={runtime.aws_url}", flush=True)
        stop.wait()
        runtime.stop_receiving()
        runtime.wait_idle(args.drain_seconds)
    return 0


def soak(args: argparse.Namespace) -> int:
    from local.soak import SoakPlan, run

    plan = SoakPlan(deliveries=args.deliveries, concurrency=args.concurrency, seed=args.seed)
    result = run(plan, args.stack)
    text = json.dumps(result, indent=2)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n")
    return 0 if result["ok"] else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--stack", default="dev", help="stack whose preview to run (default dev)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="sample deliveries through the platform").set_defaults(
        run=demo
    )
    served = commands.add_parser("serve", help="serve the receiver on 127.0.0.1")
    served.add_argument("--port", type=int, default=0, help="0: a free port")
    served.add_argument(
        "--config-file",
        type=Path,
        required=True,
        help="JSON: provider -> verifier settings (verify --config format)",
    )
    served.add_argument("--drain-seconds", type=float, default=30)
    served.add_argument("--stack", default=argparse.SUPPRESS)
    served.set_defaults(run=serve)
    soaked = commands.add_parser("soak", help="load and faults; writes build/soak.json")
    soaked.add_argument("--deliveries", type=int, default=10_000)
    soaked.add_argument("--concurrency", type=int, default=8)
    soaked.add_argument("--seed", type=int, default=12)
    soaked.add_argument("--output", type=Path, default=Path("build/soak.json"))
    soaked.set_defaults(run=soak)
    return parser  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
