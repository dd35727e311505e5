"""`python -m compliance preview`: the offline preview as a command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compliance.preview.config import parse_assignment


def find_repository_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding Pulumi.yaml (else `start`)."""
    for directory in (start, *start.parents):
        if (directory / "Pulumi.yaml").is_file():
            return directory
    return start


def assignment(text: str) -> tuple[str, str]:
    """argparse type for `--config KEY=VALUE` (preview and report): a bad pair is a usage error."""
    try:
        return parse_assignment(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_stack_arguments(
    parser: argparse.ArgumentParser,
    *,
    stack_help: str = "stack name (default: dev)",
    config: bool = True,
) -> None:
    """``--program``, ``--stack`` and (with ``config``) repeatable ``--config``, alike in every
    command that reads a stack."""
    parser.add_argument(
        "--program",
        type=Path,
        default=None,
        help="Pulumi project directory (default: the repository root, where Pulumi.yaml is)",
    )
    parser.add_argument("--stack", default="dev", help=stack_help)
    if config:
        parser.add_argument(
            "--config",
            type=assignment,
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="set a config value for this run, as `pulumi config set` would (repeatable)",
        )


def program_directory(args: argparse.Namespace) -> Path:
    """``--program``, else the project holding the working directory."""
    return args.program or find_repository_root(Path.cwd())


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `preview` subcommand."""
    parser = subparsers.add_parser(
        "preview",
        help="run the Pulumi program offline under mocks and capture every resource",
        description="Run a Pulumi Python program offline (preview mode, realistic mocks), "
        "print a summary and write every registered resource, options included, as JSON.",
    )
    add_stack_arguments(parser)
    parser.add_argument(
        "--unknowns",
        action="store_true",
        help="leave computed outputs unknown, as in the first preview of a new stack",
    )
    parser.add_argument(
        "--policy-pack",
        type=Path,
        default=None,
        metavar="DIR",
        help="evaluate this CrossGuard pack like `pulumi preview --policy-pack` "
        "(default: the repository's policies/)",
    )
    parser.add_argument(
        "--policy-pack-config",
        type=Path,
        default=None,
        metavar="FILE",
        help="policy config JSON, the format of `pulumi preview --policy-pack-config`",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="write JSON here")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 with the summary printed (and JSON written), 1 on a mandatory policy violation,
    2 when the program or the policy pack cannot run."""
    from compliance import policy_engine
    from compliance.preview import PreviewError, run_preview

    root = find_repository_root(Path(__file__).resolve().parent)
    program = args.program or root
    pack_dir = args.policy_pack or root / "policies"
    try:
        preview = run_preview(program, args.stack, dict(args.config), unknowns=args.unknowns)
        # The engine's order: the program runs, then the pack judges what it registered.
        preview.violations = policy_engine.evaluate(
            [{**r.to_dict(), "wireInputs": r.wire_inputs} for r in preview.resources],
            pack_dir,
            args.policy_pack_config,
            stack=args.stack,
        )
    except (PreviewError, policy_engine.PolicyEngineError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(preview.summary())
    print()
    print(
        policy_engine.format_violations(
            preview.violations, policy_engine.load_pack(pack_dir), str(pack_dir)
        )
    )
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(preview.to_json())
        print(f"\nWritten: {args.json}")
    return 1 if policy_engine.has_mandatory(preview.violations) else 0
