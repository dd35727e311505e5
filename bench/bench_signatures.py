"""Signature verification: its cost against a warm receiver invocation, and against the SDKs.

The figure that matters is the share: per provider, the verification's CPU time as a share of
a whole warm receiver invocation (the handler run in-process against moto, signing material
cached, one SendMessage), on the same delivery with the same verifier the receiver holds. It
has no target: verification uses the standard library's ``hmac`` and ``cryptography``, never
custom crypto tuned for speed, and the share shows there is nothing to win by it. moto's
SendMessage costs CPU here where Lambda waits on the network, so the invocation is, if
anything, understated and the share overstated. Logging is at WARNING, as in bench_lambda.
PayPal is measured in local mode; ``verification: api`` adds a network round trip to PayPal
per delivery, which is I/O, not CPU, and is not measured here.

Beside it, for reference, verifications per second against the official SDKs. Same machine, one
core, a 2 KB body, both sides timed in turn on the same valid delivery: best of 15 interleaved
rounds, in CPU time (on a shared machine, time spent descheduled is noise). Header names are
lowercase, as a Function URL event delivers them to the receiver. Each SDK gets its input in
the form it takes: text where it wants text, a dict parsed from the raw body for Adyen's
notification check (the parse is part of verifying a raw delivery). PayPal runs with a warm
certificate cache, against ``paypalrestsdk`` with its download mocked. The PayPal SDK needs
pyOpenSSL 24.2.1 and so runs in .venv-paypal: it times itself there (same loop, same delivery,
same PKI, CPU time) and reports its rate back.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 15
ROUND_SECONDS = 0.1
PAYPAL_SDK_CALLS = 2000


def _import(directory: str, module: str) -> ModuleType:
    path = str(ROOT / directory)
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(module)


def _batch(call: Callable[[], object]) -> int:
    """A number of calls that takes about ROUND_SECONDS."""
    count = 1
    while True:
        start = time.process_time()
        for _ in range(count):
            call()
        elapsed = time.process_time() - start
        if elapsed > ROUND_SECONDS / 8:
            return max(1, int(count * ROUND_SECONDS / elapsed))
        count *= 2


def _rates(*calls: Callable[[], object]) -> list[float]:
    """Best calls per CPU-second of each, over ROUNDS interleaved rounds. CPU time, not wall
    time: on a shared machine the time spent descheduled is not the code's."""
    counts = [_batch(call) for call in calls]
    best = [0.0] * len(calls)
    for _ in range(ROUNDS):
        for index, (call, count) in enumerate(zip(calls, counts, strict=True)):
            start = time.process_time()
            for _ in range(count):
                call()
            best[index] = max(best[index], count / (time.process_time() - start))
    return best


def _require(outcome: object, what: str) -> None:
    if not outcome:
        msg = f"benchmark delivery does not verify: {what}"
        raise RuntimeError(msg)


def _hmac_pairs(kit: ModuleType) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Per provider: (ours, the SDK's), each verifying one fresh, valid 2 KB delivery."""
    import stripe
    from Adyen.util import is_valid_hmac_notification, is_valid_hmac_payload
    from square.utils.webhooks_helper import verify_signature
    from standardwebhooks import Webhook

    from webhook_processor.signatures import verifier

    now = int(time.time())
    body = kit.event_body()
    text = body.decode()
    stripe_header = kit.stripe_header(body, timestamp=now)
    stripe_check = verifier("stripe", {"secret": kit.STRIPE_SECRET})
    square_sig = kit.square_signature(body)
    square_check = verifier(
        "square", {"signature_key": kit.SQUARE_KEY, "notification_url": kit.SQUARE_URL}
    )
    item = kit.adyen_sign_item(kit.adyen_item())
    item["additionalData"]["padding"] = ""
    item["additionalData"]["padding"] = "x" * (2048 - len(kit.adyen_notification([item])))
    adyen_body = kit.adyen_notification([item])
    items_check = verifier(
        "adyen", {"hmac_key_hex": kit.ADYEN_KEY_HEX, "mode": "notification_item"}
    )
    payload_sig = kit.adyen_payload_signature(body)
    payload_check = verifier("adyen", {"hmac_key_hex": kit.ADYEN_KEY_HEX, "mode": "payload"})
    std_headers = kit.standard_headers(body, timestamp=now)
    std_check = verifier("standardwebhooks", {"secret": kit.STANDARD_SECRET})
    std_sdk = Webhook(kit.STANDARD_SECRET)
    pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "stripe": (
            lambda: stripe_check({"stripe-signature": stripe_header}, body),
            lambda: stripe.WebhookSignature.verify_header(
                text, stripe_header, kit.STRIPE_SECRET, 300
            ),
        ),
        "square": (
            lambda: square_check({"x-square-hmacsha256-signature": square_sig}, body),
            lambda: verify_signature(
                request_body=text,
                signature_header=square_sig,
                signature_key=kit.SQUARE_KEY,
                notification_url=kit.SQUARE_URL,
            ),
        ),
        "adyen notification": (
            lambda: items_check({}, adyen_body),
            lambda: is_valid_hmac_notification(json.loads(adyen_body), kit.ADYEN_KEY_HEX),
        ),
        "adyen payload": (
            lambda: payload_check({"hmacsignature": payload_sig}, body),
            lambda: is_valid_hmac_payload(payload_sig, kit.ADYEN_KEY_HEX, body),
        ),
        "standardwebhooks": (
            lambda: std_check(std_headers, body),
            lambda: std_sdk.verify(body, std_headers, json_parse=False) is None,
        ),
    }
    for name, (ours, sdk) in pairs.items():
        _require(ours(), f"{name} (ours)")
        _require(sdk(), f"{name} (SDK)")
    return pairs


def _paypal(kit: ModuleType) -> tuple[float, float | None]:
    """Ours with a warm cache, and paypalrestsdk's own rate from .venv-paypal (None if absent)."""
    from webhook_processor.signatures import Verifier
    from webhook_processor.signatures.paypal import PayPalSettings

    now = time.time()
    pki = kit.make_pki(now)
    body = kit.event_body()
    headers = kit.paypal_headers(body, pki.leaf_key, transmission_time=kit.iso(now))
    settings = PayPalSettings(
        kit.PAYPAL_WEBHOOK_ID, (pki.root,), cert_pems_by_url={kit.PAYPAL_CERT_URL: pki.served}
    )
    check = Verifier("paypal", settings)
    _require(check(headers, body), "paypal (ours)")
    (ours,) = _rates(lambda: check(headers, body))

    oracle = ROOT / ".venv-paypal" / "bin" / "python"
    if not oracle.exists():
        return ours, None
    lowered = {k.lower(): v for k, v in headers.items()}
    request = {
        "trust_pems": [kit.pem(pki.root), kit.pem(pki.intermediate)],
        "served": {kit.PAYPAL_CERT_URL: pki.served},
        "cases": [
            {
                "name": "valid",
                "transmission_id": lowered["paypal-transmission-id"],
                "transmission_time": lowered["paypal-transmission-time"],
                "webhook_id": kit.PAYPAL_WEBHOOK_ID,
                "body": body.decode(),
                "cert_url": kit.PAYPAL_CERT_URL,
                "sig": lowered["paypal-transmission-sig"],
                "auth_algo": lowered["paypal-auth-algo"],
            }
        ],
        "bench": PAYPAL_SDK_CALLS,
    }
    done = subprocess.run(  # noqa: S603 - fixed argv: the project's oracle virtualenv
        [str(oracle), str(ROOT / "tests/lambda/signatures/paypal_oracle.py")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    _require(result["verdicts"]["valid"], "paypal (SDK)")
    return ours, float(result["per_second"])


def _shares_of_a_warm_invocation() -> list[Measurement]:
    """Per provider the receiver routes: verification CPU time / warm invocation CPU time."""
    import boto3
    import pytest
    from moto import mock_aws

    from bench.bench_lambda import _ENV

    sys.path[:0] = [str(ROOT / "lambda"), str(ROOT)]
    conftest = importlib.import_module("tests.lambda.conftest")  # "lambda": not an identifier
    events = importlib.import_module("tests.lambda.provider_events")
    results = []
    with pytest.MonkeyPatch.context() as mp, mock_aws(), contextlib.ExitStack() as quiet:
        for name, value in _ENV.items():  # before the handlers' loggers are created
            mp.setenv(name, value)
        from webhook_processor import receiver
        from webhook_processor.config import ReceiverConfig

        # The handler prints its metrics (EMF) per invocation: thousands of lines here. Only
        # now, after the import: a logger created inside would keep the sink once it is closed.
        sink = quiet.enter_context(Path(os.devnull).open("w"))
        quiet.enter_context(contextlib.redirect_stdout(sink))
        platform = conftest.build_platform(mp, events.PayPalPKI())
        context = conftest.LambdaContext("webhook-bench")
        sqs = boto3.client("sqs", region_name=platform.region)
        firsts = {case.provider: case for case in reversed(events.CASES)}
        for provider in ("stripe", "square", "paypal", "adyen"):
            body = events.body_of(events.payload(provider, firsts[provider].event_type))
            headers = platform.signed(provider, body)
            event = conftest.function_url_event(f"/{provider}", body, headers)
            # A queue per provider: moto's SQS slows as a queue fills (and purges once a minute).
            mp.setenv(
                "INGEST_QUEUE_URL", sqs.create_queue(QueueName=f"bench-{provider}")["QueueUrl"]
            )

            def invoke(event: dict[str, Any] = event) -> None:
                assert receiver.handler(event, context)["statusCode"] == 200

            invoke()  # warm: signing material read, PayPal's certificate cached
            material = receiver.signing_material(ReceiverConfig.from_env(os.environ))
            check = material.verifier(provider)
            lowered = {k.lower(): v for k, v in headers.items()}
            _require(check(lowered, body), f"{provider} (receiver's verifier)")
            verify_rate, invoke_rate = _rates(functools.partial(check, lowered, body), invoke)
            share = invoke_rate / verify_rate
            results.append(
                Measurement(
                    name=f"{provider}: verification / warm receiver invocation",
                    value=100 * share,
                    unit="%",
                    detail=f"verify {1e6 / verify_rate:,.1f} us of {1e3 / invoke_rate:,.2f} ms "
                    f"CPU per invocation ({len(body):,} B body, in-process against moto)",
                )
            )
    return results


def _measurement(name: str, ours: float, sdk: float) -> Measurement:
    return Measurement(
        name=f"{name}: ours / SDK verifications per s",
        value=ours / sdk,
        unit="x",
        detail=f"ours {1e6 / ours:,.1f} us, SDK {1e6 / sdk:,.1f} us per call (2 KB body)",
    )


def run() -> list[Measurement]:
    _import("lambda", "webhook_processor")
    kit = _import("tests/lambda/signatures", "sigkit")
    results = _shares_of_a_warm_invocation()
    for name, (ours, sdk) in _hmac_pairs(kit).items():
        ours_rate, sdk_rate = _rates(ours, sdk)
        results.append(_measurement(name, ours_rate, sdk_rate))
    paypal_ours, paypal_sdk = _paypal(kit)
    if paypal_sdk is None:
        missing = "the SDK baseline needs .venv-paypal (make .venv-paypal/.installed)"
        results.append(
            Measurement(
                name="paypal (warm cache): ours / SDK verifications per s",
                value=0.0,
                unit="x",
                detail=f"ours {1e6 / paypal_ours:,.1f} us per call; {missing}",
            )
        )
    else:
        results.append(_measurement("paypal (warm cache)", paypal_ours, paypal_sdk))
    return results
