"""Operator tools for the webhook handlers: python -m webhook_processor <command>.

verify checks one captured delivery. Exit codes: 0 valid, 1 invalid (prints the reason code),
2 usage error (bad file, bad config).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from webhook_processor.signatures import PROVIDERS, ConfigError, verifier


class UsageError(Exception):
    """A problem with the command's input, reported with exit code 2."""


def _read_json_object(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"cannot read {what} {path}: {exc.strerror}"
        raise UsageError(msg) from None
    except ValueError as exc:
        msg = f"{what} {path} is not valid JSON: {exc}"
        raise UsageError(msg) from None
    if not isinstance(value, dict):
        msg = f"{what} {path} must hold a JSON object"
        raise UsageError(msg)
    return value


def verify_command(args: argparse.Namespace) -> int:
    """Check one captured delivery, offline where the config allows it."""
    headers = _read_json_object(args.headers, "headers file")
    config = _read_json_object(args.config, "config file")
    try:
        body = args.body.read_bytes()
    except OSError as exc:
        msg = f"cannot read body file {args.body}: {exc.strerror}"
        raise UsageError(msg) from None
    try:
        check = verifier(args.provider, config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    verdict = check(headers, body, now=args.now)
    print(verdict)
    return 0 if verdict else 1


def _epoch_seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        msg = f"not a finite, non-negative number of epoch seconds: {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m webhook_processor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify one captured webhook delivery")
    verify.add_argument("--provider", required=True, choices=sorted(PROVIDERS))
    verify.add_argument("--headers", required=True, type=Path, help="JSON object of headers")
    verify.add_argument("--body", required=True, type=Path, help="the raw body, byte for byte")
    verify.add_argument("--config", required=True, type=Path, help="JSON provider settings")
    verify.add_argument(
        "--now", type=_epoch_seconds, help="epoch seconds to verify at (default: now)"
    )
    verify.set_defaults(run=verify_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
