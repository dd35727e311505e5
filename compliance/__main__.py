"""`python -m compliance <subcommand>`: one module per subcommand, each exposing `register`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

# Each module exposes `register(subparsers)`, which adds its parser and sets `func=handler`,
# where `handler(args: argparse.Namespace) -> int` returns the exit status.
SUBCOMMANDS: tuple[str, ...] = (
    "compliance.preview.cli",
    "compliance.report.cli",
    "compliance.live.cli",
    "compliance.manifest",
    "compliance.preflight",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m compliance", description="Offline compliance tooling for the stack."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen subcommand; returns its exit status."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.func
    return handler(args)


if __name__ == "__main__":
    status = main()
    # A program run under the Pulumi mocks leaves an event loop whose finaliser can print
    # "Exception ignored in BaseEventLoop.__del__" at interpreter exit: flush and leave now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
