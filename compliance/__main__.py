"""`python -m compliance <subcommand>`: one module per subcommand, each exposing `register`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

# Each module exposes `register(subparsers)`, which adds its parser and sets `func=handler`,
# where `handler(args: argparse.Namespace) -> int` returns the exit status.
SUBCOMMANDS: tuple[str, ...] = (
    "compliance.preview.cli",
    "compliance.report.cli",
    "compliance.live.cli",
    "compliance.manifest",
    "compliance.preflight",
    "compliance.policy_config",
    "compliance.docs",
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


@contextlib.contextmanager
def owned_event_loops() -> Iterator[None]:
    """Give the Pulumi runtime event loops that are closed on the way out.

    The SDK runs a program on the thread's current event loop and sends each mock-monitor call
    to that loop's default executor, where the mock monitor sets a new loop on the worker thread
    (`pulumi.runtime.sync_await._ensure_event_loop`). The SDK closes none of them, so their
    finalisers report unclosed loops and sockets at interpreter exit. Here the main loop is an
    `asyncio.Runner`'s, its executor's threads start with a loop of ours, and every one is closed
    once the executor has been shut down (its threads joined).
    """
    worker_loops: list[asyncio.AbstractEventLoop] = []

    def set_worker_loop() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        worker_loops.append(loop)

    try:
        with asyncio.Runner() as runner:
            runner.get_loop().set_default_executor(
                ThreadPoolExecutor(thread_name_prefix="pulumi-rpc", initializer=set_worker_loop)
            )
            yield
    finally:
        for loop in worker_loops:
            loop.close()


if __name__ == "__main__":
    with owned_event_loops():
        status = main()
    sys.exit(status)
