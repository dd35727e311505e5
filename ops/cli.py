"""``python -m ops --outputs FILE <command>``: the operator commands (docs/operations.md).

Commands: ``dlq list``, ``dlq show ID``, ``dlq redrive [--apply]``, ``replay (--transaction-id
ID | --since T [--until T]) [--apply]``. Exit status: 0 done, 1 AWS refused or something
failed (named on stderr), 2 unusable input (bad outputs file, selection or arguments).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ops import dlq, replay
from ops.outputs import OutputsError, StackOutputs, read
from webhook_processor.clients import error_code
from webhook_processor.records import TransactionRecord

Clients = Callable[[str, str], Any]
"""(service, region) -> boto3 client; injected by tests."""


def _boto3_client(service: str, region: str) -> Any:
    import boto3

    return boto3.client(service, region_name=region)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--outputs", type=Path, required=True, help="`pulumi stack output --json` file"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    queue = commands.add_parser("dlq", help="the dead-letter queue").add_subparsers(
        dest="action", required=True
    )
    queue.add_parser("list", help="every message: id, origin, receive count, reason")
    show = queue.add_parser("show", help="one message, its body scrubbed")
    show.add_argument("message_id")
    move = queue.add_parser("redrive", help="send every message back to the ingest queue")
    move.add_argument("--apply", action="store_true", help="do it (default: dry run)")
    move.add_argument(
        "--visibility-timeout",
        type=int,
        default=dlq.DEFAULT_VISIBILITY_SECONDS,
        help="seconds a message being copied stays hidden (default %(default)s)",
    )
    again = commands.add_parser("replay", help="publish stored records to the topic again")
    again.add_argument("--transaction-id", help="every record of this transaction")
    again.add_argument("--since", help="received at or after this ISO 8601 UTC time")
    again.add_argument("--until", help="received before this ISO 8601 UTC time")
    again.add_argument("--apply", action="store_true", help="do it (default: dry run)")
    return parser


def _received(letter: dlq.DeadLetter) -> str:
    if not letter.sent_at.isdigit():
        return "?"
    moment = datetime.fromtimestamp(int(letter.sent_at) / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _list(sqs: Any, stack: StackOutputs, out: TextIO) -> int:
    letters = dlq.peek(sqs, stack.dead_letter_queue_url)
    out.write(f"{len(letters)} message(s) in {stack.dead_letter_queue_url}\n")
    for letter in letters:
        out.write(
            f"{letter.message_id}  {letter.origin:<11}  receives={letter.receive_count}  "
            f"sent={_received(letter)}  reason={letter.reason or '-'}\n"
        )
    return 0


def _show(sqs: Any, stack: StackOutputs, message_id: str, out: TextIO, err: TextIO) -> int:
    for letter in dlq.peek(sqs, stack.dead_letter_queue_url):
        if letter.message_id == message_id:
            out.write(
                f"message:  {letter.message_id}\norigin:   {letter.origin}\n"
                f"receives: {letter.receive_count}\nsent:     {_received(letter)}\n"
                f"reason:   {letter.reason or '-'}\nbody:\n{letter.body}\n"
            )
            return 0
    err.write(f"error: no message {message_id} in {stack.dead_letter_queue_url}\n")
    return 1


def _redrive(sqs: Any, stack: StackOutputs, args: argparse.Namespace, out: TextIO) -> int:
    done = dlq.redrive(
        sqs,
        stack.dead_letter_queue_url,
        stack.ingest_queue_url,
        apply=args.apply,
        visibility_seconds=args.visibility_timeout,
        progress=lambda line: print(line, file=out),
    )
    verb = "copied" if args.apply else "would copy"
    out.write(f"{verb} {len(done.copied)} message(s) dead-lettered by the functions\n")
    if done.native:
        task = f" (move task {done.move_task})" if done.move_task else ""
        verb = "moving" if args.apply else "would move"
        out.write(f"{verb} {len(done.native)} message(s) redriven by SQS{task}\n")
    if not args.apply:
        out.write("dry run: nothing changed (add --apply)\n")
    return 0


def _replay(clients: Clients, stack: StackOutputs, args: argparse.Namespace, out: TextIO) -> int:
    items = replay.select(
        clients("dynamodb", stack.region),
        stack.table_name,
        transaction_id=args.transaction_id,
        since=args.since,
        until=args.until,
    )
    records, skipped = [], 0
    for item in items:
        try:
            records.append(TransactionRecord.from_item(item))
        except ValueError as error:
            out.write(f"skipped: {error}\n")
            skipped += 1
    for record in records:
        out.write(
            f"{record.transaction_id}  {record.event_id}  {record.status.value}  "
            f"received={record.received_at}\n"
        )
    if not args.apply:
        out.write(f"dry run: would publish {len(records)} record(s) (add --apply)\n")
        return 0
    replay_id = datetime.now(UTC).strftime("ops-%Y%m%dT%H%M%SZ")
    failed = replay.publish(clients("sns", stack.region), stack.topic_arn, records, replay_id)
    out.write(f"published {len(records) - len(failed)} record(s) with replay={replay_id}\n")
    for event_id in failed:
        out.write(f"failed: {event_id}\n")
    return 1 if failed or skipped else 0


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: Clients = _boto3_client,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one command; returns the exit status (see the module docstring)."""
    from botocore.exceptions import BotoCoreError, ClientError

    out, err = out or sys.stdout, err or sys.stderr

    args = _parser().parse_args(argv)
    try:
        stack = read(args.outputs)
        sqs = clients("sqs", stack.region)
        if args.command == "replay":
            return _replay(clients, stack, args, out)
        if args.action == "list":
            return _list(sqs, stack, out)
        if args.action == "show":
            return _show(sqs, stack, args.message_id, out, err)
        return _redrive(sqs, stack, args, out)
    except (OutputsError, replay.SelectionError) as error:
        err.write(f"error: {error}\n")
        return 2
    except (BotoCoreError, ClientError) as error:
        err.write(f"error: AWS refused the call ({error_code(error)}): {error}\n")
        return 1
