"""`python -m compliance policy-config`: the pack's `--policy-pack-config` for one stack.

The pack never reads the stack's configuration (it is the rule book, and a stack setting must
not loosen it), but four of its rules check values the stack chooses. This command derives those
from the stack's validated `StackConfig`, so the operator passes a generated file instead of
keeping two copies in step by hand:

    pulumi preview --policy-pack policies --policy-pack-config build/policy-config.dev.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # stack.config imports pulumi: only when the command runs
    from stack.config import StackConfig

# policy name -> {config property: the StackConfig value it must equal}
PackConfig = dict[str, dict[str, Any]]


def pack_config(config: StackConfig) -> PackConfig:
    """The pack settings that follow from ``config`` (pure)."""
    return {
        "cloudwatch-log-group-retention": {"logRetentionDays": config.log_retention_days},
        "lambda-function-reserved-concurrency": {
            "reservedConcurrency": config.reserved_concurrency
        },
        "resource-name-environment-suffix": {"environmentSuffix": config.environment_suffix},
        "sqs-consumed-queue-redrive": {"maxReceiveCount": config.max_receive_count},
    }


def stack_config(program: Path, stack: str, overrides: dict[str, str]) -> StackConfig:
    """The stack's configuration as `pulumi preview` would hand it to the program: project
    defaults, then `Pulumi.<stack>.yaml`, then ``overrides`` (raises ValueError)."""
    from compliance.preview.config import load_config, load_project
    from stack.config import StackConfig

    project = load_project(program)
    values = load_config(project, stack, overrides).values
    prefix = f"{project.name}:"
    return StackConfig.from_mapping(
        {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
    )


def _handle(args: argparse.Namespace) -> int:
    from compliance.preview.cli import program_directory
    from stack.config import ConfigError

    program = program_directory(args)
    try:
        config = stack_config(program, args.stack, dict(args.config))
    except (ValueError, ConfigError) as exc:  # an unusable project, an invalid configuration
        print(f"error: stack {args.stack!r}: {exc}", file=sys.stderr)
        return 2
    doc = json.dumps(pack_config(config), indent=2, sort_keys=True) + "\n"
    if args.output is None:
        sys.stdout.write(doc)
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(doc)
    print(f"Written: {args.output} (pack config of stack {args.stack!r})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `policy-config` subcommand."""
    from compliance.preview.cli import add_stack_arguments

    parser = subparsers.add_parser(
        "policy-config",
        help="write the --policy-pack-config JSON that matches a stack's configuration",
        description="Derive the policy pack settings that follow from a stack's configuration "
        "(Pulumi.<stack>.yaml) and write them as `--policy-pack-config` JSON.",
    )
    add_stack_arguments(parser)
    parser.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="default: standard output"
    )
    parser.set_defaults(func=_handle)
