"""The Lambda handlers: cold start, AWS calls per event at steady state, bundle size.

Cold start is measured in a fresh interpreter per run with Lambda's environment (tracing on):
importing the handler module plus its first invocation against moto (moto's import and the
resource setup are excluded, and the handler gets a boto3 session of its own so nothing is
pre-loaded for it), beside the floor of a bare ``import boto3`` measured the same way. It is
CPU time on this machine, not Lambda's INIT duration (no network, no sandbox start).

Calls per event count the botocore calls the handler itself makes (a ``before-call`` hook on
the session): the receiver must make exactly one (SendMessage) once its secrets are cached;
the processor at most 2.2 (per record a conditional PutItem storing it and an UpdateItem
marking it published, per batch of up to 10 a PublishBatch). DynamoDB on demand bills write
units, not calls: the transactional writes it replaced made 0.3 calls per event but cost twice
the units.
The moto fixtures come from tests/lambda (the same platform the tests prove things on),
imported as ``tests.lambda.*`` since the tests are a package.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "build" / "lambda.zip"
COLD_RUNS = 5
EVENTS = 100
BUNDLE_LIMIT_MB = 10.0

_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "POWERTOOLS_SERVICE_NAME": "payment-webhooks",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}

_FLOOR = (
    "import time; t = time.perf_counter(); import boto3; print((time.perf_counter() - t) * 1000)"
)

# Runs in a fresh interpreter: time the handler import, set up moto (untimed), time the first
# invocation; prints {"import_ms": ..., "first_ms": ...}.
_COLD = textwrap.dedent(
    """
    import importlib, json, time
    start = time.perf_counter()
    from webhook_processor import {module} as handler_module
    imported = time.perf_counter()
    import boto3, pytest
    from moto import mock_aws
    conftest = importlib.import_module("tests.lambda.conftest")
    events = importlib.import_module("tests.lambda.provider_events")
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        platform = conftest.build_platform(mp, events.PayPalPKI())
        body = events.body_of(events.stripe_payload("payment_intent.succeeded"))
        event = conftest.function_url_event("/stripe", body, events.stripe_headers(body))
        context = conftest.LambdaContext("webhook-{module}-bench")
        if "{module}" == "processor":
            from webhook_processor import receiver
            receiver.handler(event, context)
            queue = boto3.client("sqs").receive_message(QueueUrl=platform.ingest_url)
            arn = "arn:aws:sqs:us-east-1:123456789012:webhook-events-qa"
            event = {{"Records": [conftest.sqs_record(m, arn) for m in queue["Messages"]]}}
        boto3.DEFAULT_SESSION = None  # the handler builds its own session, as in Lambda
        from webhook_processor import clients
        clients.reset()
        mp.setattr("webhook_processor.receiver._material", None)
        first = time.perf_counter()
        response = handler_module.handler(event, context)
        done = time.perf_counter()
    assert response.get("statusCode", 200) == 200, response
    assert not response.get("batchItemFailures"), response
    print(json.dumps({{"import_ms": (imported - start) * 1000, "first_ms": (done - first) * 1000}}))
    """
)


# What the Lambda runtime sets: tracing on (Active), the X-Ray SDK in its Lambda mode (local
# sampling; outside Lambda it builds a sampling client at import, ~125 ms that Lambda never pays).
_LAMBDA_ENV = {
    "LAMBDA_TASK_ROOT": str(ROOT / "lambda"),
    "_X_AMZN_TRACE_ID": "Root=1-674661c0-0a1b2c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;"
    "Sampled=1",
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
    "POWERTOOLS_TRACE_DISABLED": "false",
}


def _python(code: str) -> str:
    import os

    env = {**os.environ, **_ENV, **_LAMBDA_ENV, "PYTHONPATH": f"{ROOT / 'lambda'}:{ROOT}"}
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    return result.stdout.strip().splitlines()[-1]


def _cold_starts() -> list[Measurement]:
    floor = statistics.median(float(_python(_FLOOR)) for _ in range(COLD_RUNS))
    measurements = [
        Measurement(
            name="import boto3 (floor, fresh interpreter)",
            value=floor,
            unit="ms",
            detail=f"median of {COLD_RUNS}",
        )
    ]
    for module in ("receiver", "processor"):
        runs = [json.loads(_python(_COLD.format(module=module))) for _ in range(COLD_RUNS)]
        imports = statistics.median(r["import_ms"] for r in runs)
        firsts = statistics.median(r["first_ms"] for r in runs)
        total = statistics.median(r["import_ms"] + r["first_ms"] for r in runs)
        measurements.append(
            Measurement(
                name=f"{module} cold start (import + 1st call)",
                value=total,
                unit="ms",
                detail=f"median of {COLD_RUNS}: import {imports:.0f} ms + first invocation "
                f"{firsts:.0f} ms; {total / floor:.1f}x the boto3 floor",
            )
        )
    return measurements


def _calls_per_event() -> list[Measurement]:
    import importlib

    import boto3
    import pytest

    sys.path[:0] = [str(ROOT / "lambda"), str(ROOT)]
    from moto import mock_aws

    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name.split(".", 1)[1])

    # The environment is restored on exit: later suites (the report's evidence tests run in a
    # child process) must not inherit this suite's WARNING log level.
    conftest = importlib.import_module("tests.lambda.conftest")  # "lambda": not an identifier
    events = importlib.import_module("tests.lambda.provider_events")
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        for name, value in _ENV.items():  # before the handlers' loggers are created
            mp.setenv(name, value)
        from webhook_processor import clients, processor, receiver

        platform = conftest.build_platform(mp, events.PayPalPKI())
        boto3.setup_default_session()
        boto3.DEFAULT_SESSION.events.register("before-call", count)
        clients.reset()
        context = conftest.LambdaContext("webhook-bench")

        def deliver(index: int) -> None:
            data = events.stripe_payload("payment_intent.succeeded")
            data["id"] = f"evt_bench_{index:06d}"
            # A payment of its own: the same PaymentIntent would be one fact, a duplicate.
            data["data"]["object"]["id"] = f"pi_bench_{index:06d}"
            body = events.body_of(data)
            event = conftest.function_url_event("/stripe", body, events.stripe_headers(body))
            assert receiver.handler(event, context)["statusCode"] == 200

        deliver(-1)  # warm: secrets cached
        calls.clear()
        for index in range(EVENTS):
            deliver(index)
        receiver_calls = list(calls)

        sqs = boto3.session.Session().client("sqs")  # the event source mapping, not counted
        arn = "arn:aws:sqs:us-east-1:123456789012:webhook-events-qa"
        calls.clear()
        processed = 0
        while batch := sqs.receive_message(
            QueueUrl=platform.ingest_url, MaxNumberOfMessages=10, VisibilityTimeout=60
        ).get("Messages", []):
            event = {"Records": [conftest.sqs_record(m, arn) for m in batch]}
            assert processor.handler(event, context) == {"batchItemFailures": []}
            processed += len(batch)
            for message in batch:
                sqs.delete_message(
                    QueueUrl=platform.ingest_url, ReceiptHandle=message["ReceiptHandle"]
                )
        processor_calls = list(calls)
    assert processed == EVENTS + 1
    results = []
    for name, made, events_seen, target in (
        ("receiver", receiver_calls, EVENTS, 1.0),
        ("processor", processor_calls, processed, 2.2),
    ):
        per_event = len(made) / events_seen
        kinds = ", ".join(f"{op} x{made.count(op)}" for op in sorted(set(made)))
        results.append(
            Measurement(
                name=f"{name} AWS calls per event (steady state)",
                value=per_event,
                unit="calls",
                target=f"{'=' if name == 'receiver' else '<='} {target:g}",
                ok=per_event == target if name == "receiver" else per_event <= target,
                detail=f"{events_seen} events: {kinds}",
            )
        )
    return results


def _bundle() -> list[Measurement]:
    if not BUNDLE.exists():
        subprocess.run(  # noqa: S603 (make package's own command)
            [sys.executable, "-m", "stack.bundle", "--output", str(BUNDLE)], check=True, cwd=ROOT
        )
    size_mb = BUNDLE.stat().st_size / 1024 / 1024
    return [
        Measurement.below(
            name="bundle size (build/lambda.zip)",
            value=size_mb,
            unit="MB",
            limit=BUNDLE_LIMIT_MB,
        )
    ]


def run() -> list[Measurement]:
    return _cold_starts() + _calls_per_event() + _bundle()
