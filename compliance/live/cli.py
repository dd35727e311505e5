"""`python -m compliance evidence --stack-outputs FILE`: evidence from the deployed stack.

Reads the deployed configuration with read-only boto3 calls (see compliance/live/aws.py), records
every response with its time, and checks it with the same policy pack and checkov cross-scan as
the offline report, and checks that every alarm of the stack notifies the alerts topic (10.7.2).
Writes <output>/live-evidence.json, <output>/checkov/ and a manifest.json; exits 1 on a mandatory
violation, an unsuppressed checkov failure or an alerting gap.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT = Path("build/compliance-live")  # beside, not inside, the report bundle and its manifest


def gather(args: argparse.Namespace, clients: dict[str, Any]) -> dict[str, Any]:
    """Collect, evaluate and assemble the live evidence document (clients injected for tests)."""
    from compliance.catalog import discover_policies
    from compliance.checkov import run_checkov
    from compliance.files import read_object
    from compliance.live.aws import Recorder, alerting_gaps, collect
    from compliance.policy_engine import DEFAULT_PACK_DIR, evaluate

    outputs = read_object(args.stack_outputs, what="`pulumi stack output --json` output")
    recorder = Recorder(clients)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    capture = collect(outputs, recorder, args.stack, args.region)
    pack = args.policy_pack or DEFAULT_PACK_DIR
    violations = evaluate(capture["resources"], pack, stack=args.stack)
    scan = run_checkov(capture["resources"], args.output / "checkov")
    refs = {p.name: list(p.references) for p in discover_policies(pack)}
    return {
        "metadata": {
            "generated_at": started,
            "stack": args.stack,
            "region": args.region,
            "stack_outputs_file": str(args.stack_outputs),
            "read_only_calls": sorted({f"{c['service']}:{c['operation']}" for c in recorder.calls}),
        },
        "calls": recorder.calls,
        "capture": capture,
        "violations": [{**v, "requirements": refs.get(v["policy"], [])} for v in violations],
        "alerting_gaps": alerting_gaps(capture, outputs["alertsTopicArn"]),
        "checkov": {
            "resource_count": scan.resource_count,
            "expected_count": scan.expected_count,
            "problems": scan.problems,
        },
    }


def _handle(args: argparse.Namespace) -> int:
    import boto3

    from compliance.checkov import CheckovError
    from compliance.live.aws import CLIENTS, StackOutputsError
    from compliance.manifest import write_manifest

    if args.output.exists():
        shutil.rmtree(args.output)  # stale files would otherwise enter the manifest
    args.output.mkdir(parents=True)
    session = boto3.session.Session(region_name=args.region)
    try:
        doc = gather(args, {name: session.client(name) for name in CLIENTS})
    except (OSError, ValueError, StackOutputsError, CheckovError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    (args.output / "live-evidence.json").write_text(json.dumps(doc, indent=2) + "\n")
    write_manifest(args.output, doc["metadata"])
    mandatory = [v for v in doc["violations"] if v["level"] == "mandatory"]
    for v in doc["violations"]:
        print(f"  {v['level'].upper():9} {v['policy']} on {v['urn']}: {v['message']}")
    for problem in doc["checkov"]["problems"]:
        print(f"  CHECKOV   {problem}")
    for gap in doc["alerting_gaps"]:
        print(f"  ALERTING  {gap}")
    print(
        f"{len(doc['calls'])} read-only calls recorded, {len(mandatory)} mandatory violations, "
        f"{len(doc['checkov']['problems'])} checkov problems, "
        f"{len(doc['alerting_gaps'])} alerting gaps: {args.output / 'live-evidence.json'}"
    )
    return 1 if mandatory or doc["checkov"]["problems"] or doc["alerting_gaps"] else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `evidence` subcommand."""
    parser = subparsers.add_parser(
        "evidence", help="evidence from the deployed stack (read-only AWS calls)"
    )
    parser.add_argument(
        "--stack-outputs",
        type=Path,
        required=True,
        metavar="FILE",
        help="output of `pulumi stack output --json`",
    )
    parser.add_argument("--stack", default="dev", help="stack name (the environment suffix)")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--policy-pack", type=Path, default=None, help="default: policies/")
    parser.add_argument("--output", type=Path, default=OUT)
    parser.set_defaults(func=_handle)
