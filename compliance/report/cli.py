"""`python -m compliance report`: the PCI DSS report and evidence bundle in build/compliance/.

Three inputs, one model: the offline preview of the program (default), the real engine's
`pulumi preview --json` (--from-preview) or the deployed state's `pulumi stack export`
(--from-stack-export). The work is in compliance/report/run.py, imported only when the command
runs so `python -m compliance --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from compliance.preview.cli import add_stack_arguments

OUT = Path("build/compliance")


def _handle(args: argparse.Namespace) -> int:
    from compliance.report.run import handle

    return handle(args)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="PCI DSS report and evidence bundle in build/compliance/",
        description="Run the offline preview (or read --from-preview / --from-stack-export), the "
        "policy pack, checkov and the evidence tests; write build/compliance/.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--from-preview", type=Path, metavar="FILE", help="`pulumi preview --json` output"
    )
    source.add_argument(
        "--from-stack-export", type=Path, metavar="FILE", help="`pulumi stack export` output"
    )
    add_stack_arguments(parser, stack_help="stack for the offline preview (default: dev)")
    parser.add_argument("--policy-pack", type=Path, default=None, help="default: policies/")
    parser.add_argument(
        "--policy-pack-config",
        type=Path,
        default=None,
        metavar="FILE",
        help="policy config, the same JSON as `pulumi preview --policy-pack-config`",
    )
    parser.add_argument(
        "--junit",
        type=Path,
        default=None,
        metavar="FILE",
        help="use this JUnit XML of `pytest -m evidence -p compliance.report.pytest_plugin` "
        "instead of running the evidence tests",
    )
    parser.add_argument("--output", type=Path, default=OUT)
    parser.set_defaults(func=_handle)
