"""`python -m compliance preflight`: before `pulumi up`, do the stack's reservations fit?

AWS keeps at least 100 of an account's Lambda concurrency unreserved; a reservation that would
leave less fails at the first function create, half way through a deploy. This reads the account's
limit and unreserved concurrency (`GetAccountSettings`) and the stack's own functions' current
reservations (`GetFunctionConcurrency`: a redeploy re-uses them), then says whether the stack
config's `reservedConcurrency` for each function fits. Exit 0 fits, 1 does not fit, 2 cannot tell.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AWS_MIN_UNRESERVED = 100
FUNCTION_TYPES = ("webhook-receiver", "webhook-processor")
QUOTA_POINTER = (
    "raise it in Service Quotas (AWS Lambda > Concurrent executions, quota code L-B99A9384): "
    "aws service-quotas request-service-quota-increase --service-code lambda "
    "--quota-code L-B99A9384 --desired-value N"
)
EXIT_FITS, EXIT_DOES_NOT_FIT, EXIT_CANNOT_TELL = 0, 1, 2


class PreflightError(Exception):
    """What the account or the stack config could not tell (exit 2)."""


@dataclass(frozen=True)
class Account:
    """The account's Lambda concurrency, and what the stack's functions already reserve."""

    limit: int
    unreserved: int
    current: Mapping[str, int]


@dataclass(frozen=True)
class Verdict:
    fits: bool
    message: str


def assess(account: Account, wanted: Mapping[str, int]) -> Verdict:
    """Whether reserving `wanted` (function name -> reservation) leaves AWS's minimum unreserved.

    Reservations the functions already hold are part of today's reserved total, so only the
    difference comes out of the unreserved pool.
    """
    delta = sum(wanted.values()) - sum(account.current.get(name, 0) for name in wanted)
    left = account.unreserved - delta
    what = ", ".join(f"{name}={n}" for name, n in sorted(wanted.items()))
    facts = (
        f"account concurrency limit {account.limit}, unreserved now {account.unreserved}; "
        f"the stack reserves {what} (already reserved: {sum(account.current.values())}), "
        f"leaving {left} unreserved"
    )
    if left >= AWS_MIN_UNRESERVED:
        return Verdict(True, f"fits: {facts} (AWS keeps at least {AWS_MIN_UNRESERVED})")
    pool = account.unreserved - AWS_MIN_UNRESERVED + sum(account.current.get(n, 0) for n in wanted)
    each = pool // len(wanted) if wanted else 0
    lower = (
        f"set payment-webhooks:reservedConcurrency to at most {each}"
        if each >= 1
        else "no reservation fits"
    )
    needed = account.limit + (AWS_MIN_UNRESERVED - left)
    return Verdict(
        False,
        f"does not fit: {facts}, below the {AWS_MIN_UNRESERVED} AWS keeps unreserved; the first "
        f"function create would fail. Either {lower}, or raise the account limit to at least "
        f"{needed}: {QUOTA_POINTER}",
    )


def read_account(client: Any, functions: tuple[str, ...]) -> Account:
    """GetAccountSettings and the named functions' reservations (absent function: none)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        limits = client.get_account_settings()["AccountLimit"]
        current = {}
        for name in functions:
            try:
                found = client.get_function_concurrency(FunctionName=name)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    raise
                found = {}
            current[name] = int(found.get("ReservedConcurrentExecutions") or 0)
        return Account(
            limit=int(limits["ConcurrentExecutions"]),
            unreserved=int(limits["UnreservedConcurrentExecutions"]),
            current=current,
        )
    except (BotoCoreError, ClientError, KeyError) as exc:
        msg = f"cannot read the account's Lambda concurrency: {exc!r}"
        raise PreflightError(msg) from exc


def stack_reservations(program: Path, stack: str) -> dict[str, int]:
    """Function name -> reservedConcurrency, from the stack's config as `pulumi up` reads it."""
    from compliance.preview.config import ProjectError, load_config, load_project
    from stack.config import CONFIG_KEYS, ConfigError, StackConfig
    from stack.naming import PROJECT

    try:
        project = load_project(program)
        values = load_config(project, stack, {}).values
        raw = {key: values.get(f"{PROJECT}:{key}") for key in CONFIG_KEYS}
        config = StackConfig.from_mapping(raw)
    except (ProjectError, ConfigError) as exc:
        msg = f"cannot read the config of stack {stack!r} in {program}: {exc}"
        raise PreflightError(msg) from exc
    return {config.naming.name(t): config.reserved_concurrency for t in FUNCTION_TYPES}


def lambda_client() -> Any:
    """A Lambda client in the stack's region with the default credential chain."""
    import boto3
    from botocore.config import Config

    from stack.naming import REGION

    return boto3.client("lambda", region_name=REGION, config=Config(retries={"max_attempts": 2}))


def handle(args: argparse.Namespace) -> int:
    from compliance.preview.cli import program_directory

    program = program_directory(args)
    try:
        wanted = stack_reservations(program, args.stack)
        verdict = assess(read_account(lambda_client(), tuple(wanted)), wanted)
    except PreflightError as exc:
        print(f"preflight: cannot tell: {exc}")
        return EXIT_CANNOT_TELL
    print(f"preflight ({args.stack}): {verdict.message}")
    return EXIT_FITS if verdict.fits else EXIT_DOES_NOT_FIT


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `preflight` subcommand."""
    from compliance.preview.cli import add_stack_arguments

    parser = subparsers.add_parser(
        "preflight",
        help="before `pulumi up`: do the stack's Lambda reservations fit the account?",
        description="Read the account's Lambda concurrency (default AWS credentials) and say "
        "whether the stack's reservedConcurrency leaves the 100 unreserved AWS requires. "
        "Exit 0 fits, 1 does not fit, 2 cannot tell.",
    )
    add_stack_arguments(
        parser, stack_help="stack whose config to read (default: dev)", config=False
    )
    parser.set_defaults(func=handle)
