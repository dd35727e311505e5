"""The soak: many signed deliveries at a chosen concurrency, with redeliveries, duplicates in
flight together, out-of-order events and injected faults; then the platform's guarantees are
checked against what was sent.

The plan is a pure function of its seed. Each transaction's events (completed, refunded,
disputed) go out in a shuffled order; a share of deliveries is sent twice at once (so the two
copies are in concurrent batches) and a share again later (a provider's retry); a few are
forged (401) or poison (a signed body that is not JSON, dead-lettered by the receiver, and a
JSON event lacking its object, dead-lettered by the processor). A delivery answered 5xx is
retried, as providers retry.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from local.hooks import Faults, Meter, install
from local.runtime import Runtime, post
from local.samples import STORED_KINDS, Provider, routable

# Each fault fires on every N-th eligible call: often enough that a short run sees each one,
# rarely enough that no message fails maxReceiveCount times in a row (a lost answer is a
# transport error, which also leaves the items after it in its batch for SQS).
FAULTS = {
    "throttle": 11,
    "internal": 13,
    "timeout": 101,  # rarer: the rest of its call is left for SQS too
    "marker": 7,
    "publish": 17,
    "partial": 5,
    "die": 19,
}
VISIBILITY_SECONDS = 1  # the queue's 360 s, compressed so retries happen within the run
PROVIDER_RETRIES = 5


@dataclass(frozen=True)
class SoakPlan:
    deliveries: int = 10_000
    concurrency: int = 8
    seed: int = 12
    duplicate_share: float = 0.05  # sent twice at once
    redelivery_share: float = 0.05  # sent again later
    forged: int = 5
    poison: int = 3  # of each kind (receiver, processor)
    faults: dict[str, int] = field(default_factory=lambda: dict(FAULTS))
    timeout_seconds: float = 1800


@dataclass(frozen=True)
class Send:
    provider: str
    event_id: str  # "" for what must not be stored
    kind: str  # a sample kind, or forged / poison
    body: bytes
    headers: dict[str, str]
    tag: str = ""  # a poison delivery's marker, found in its dead letter


def _event_id(provider: Provider, kind: str, n: int) -> str:
    payload = provider.event(kind, n)
    if "notificationItems" in payload:  # Adyen items have no event id: reference and code
        item = payload["notificationItems"][0]["NotificationRequestItem"]
        return f"{item['pspReference']}:{item['eventCode']}"
    return str(payload.get("id") or payload.get("event_id"))


def plan_sends(plan: SoakPlan, providers: dict[str, Provider]) -> list[list[Send]]:
    """The deliveries in send order; each inner list is sent at once (concurrently)."""
    rng = random.Random(plan.seed)  # noqa: S311 - a reproducible plan, not a secret
    names = sorted(providers)
    valid: list[Send] = []
    n = 0
    while len(valid) < plan.deliveries:
        provider = providers[names[n % len(names)]]
        kinds = [*STORED_KINDS, "ignored"] if n % 4 == 0 else list(STORED_KINDS)
        rng.shuffle(kinds)  # out of order: a refund or dispute may arrive before the payment
        for kind in kinds:
            body, headers = provider.delivery(kind, n)
            event_id = _event_id(provider, kind, n) if kind != "ignored" else ""
            valid.append(Send(provider.name, event_id, kind, body, headers))
        n += 1
    valid = valid[: plan.deliveries]
    groups: list[list[Send]] = []
    for send in valid:
        roll = rng.random()
        groups.append([send, send] if roll < plan.duplicate_share else [send])
        if roll > 1 - plan.redelivery_share and len(groups) > 20:
            groups.insert(len(groups) - rng.randrange(1, 20), [send])  # a retry, later
    stripe = providers.get("stripe") or providers[names[0]]
    for i in range(plan.forged):
        body, headers = stripe.delivery("completed", n + i, forged=True)
        groups.insert(rng.randrange(len(groups)), [Send(stripe.name, "", "forged", body, headers)])
    for i in range(plan.poison):
        raw = f"poison-receiver-{i} is not JSON {{".encode()
        broken = json.dumps({"id": f"poison-processor-{i}", "type": "charge.refunded",
                             "created": 1, "data": {}}).encode()  # fmt: skip
        for tag, body in ((f"poison-receiver-{i}", raw), (f"poison-processor-{i}", broken)):
            send = Send(stripe.name, "", "poison", body, stripe.signed(body), tag)
            groups.insert(rng.randrange(len(groups)), [send])
    return groups


def _deliver(url: str, send: Send, provider: Provider) -> int:
    """POST until the answer is not a 5xx (bounded); re-signed per attempt like a provider."""
    status = 0
    for _ in range(PROVIDER_RETRIES):
        headers = send.headers
        if send.kind not in ("forged", "poison") and provider.sign_payload is None:
            headers = {**headers, **provider.headers(provider.settings, send.body)}
        status = post(f"{url}/{send.provider}", send.body, headers)
        if status < 500:
            break
    return status


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(plan: SoakPlan, stack: str = "dev") -> dict[str, Any]:
    """Run the soak; the figures ``build/soak.json`` holds, with ``ok`` and the failures."""
    started = time.perf_counter()
    meter, faults = Meter(), Faults(dict(plan.faults))
    with Runtime.started(stack, pollers=2, visibility_timeout=VISIBILITY_SECONDS) as runtime:
        providers = routable()
        for provider in providers.values():
            runtime.configure(provider.name, provider.settings)
        install(meter, faults)
        groups = plan_sends(plan, providers)
        sends = [send for group in groups for send in group]
        with ThreadPoolExecutor(plan.concurrency) as pool:
            statuses = list(
                pool.map(lambda s: _deliver(runtime.url, s, providers[s.provider]), sends)
            )
        idle = runtime.wait_idle(max(1.0, plan.timeout_seconds - (time.perf_counter() - started)))
        stored = runtime.stored()
        dlq = runtime.messages(runtime.aws.dlq_url)
        published = list(runtime.records)
        logs = runtime.logs
        latencies = list(runtime.durations["receiver"])
        durations = dict(runtime.durations)
        invocations = dict(runtime.invocations)
    wall = time.perf_counter() - started

    accepted = Counter(s.kind for s, code in zip(sends, statuses, strict=True) if code == 200)
    expected = {s.event_id for s, code in zip(sends, statuses, strict=True) if code == 200
                and s.event_id}  # fmt: skip
    stored_ids = [item["event_id"]["S"] for item in stored]
    published_ids = Counter(str(record["event_id"]) for record in published)
    poison = {s.tag for s in sends if s.tag}
    failures = []
    if not idle:
        failures.append("the pipeline was not idle before the timeout")
    if set(stored_ids) != expected:
        failures.append(
            f"stored {len(set(stored_ids))} distinct events, expected {len(expected)}: "
            f"lost {len(expected - set(stored_ids))}, unexpected {len(set(stored_ids) - expected)}"
        )
    if len(stored_ids) != len(set(stored_ids)):
        failures.append(f"{len(stored_ids) - len(set(stored_ids))} events stored twice")
    if set(published_ids) != expected:
        failures.append(f"unpublished: {len(expected - set(published_ids))}")
    dlq_bodies = [m["Body"] for m in dlq]
    dead = Counter(tag for body in dlq_bodies for tag in poison if tag in body)
    if set(dead) != poison or sum(dead.values()) != len(dlq_bodies):
        failures.append(
            f"the DLQ holds {len(dlq_bodies)} messages ({len(dead)} of the {len(poison)} poison "
            "deliveries): expected the poison and nothing else"
        )
    missing_faults = sorted(set(plan.faults) - set(faults.injected))
    if missing_faults:
        failures.append(f"faults never injected: {missing_faults}")
    return {
        "ok": not failures,
        "failures": failures,
        "plan": asdict(plan),
        "providers": sorted(providers),
        "deliveries_sent": len(sends),
        "accepted": sum(accepted.values()),
        "rejected": sum(1 for code in statuses if code != 200),
        "records_expected": len(expected),
        "stored": len(stored_ids),
        "stored_distinct": len(set(stored_ids)),
        "published_distinct": len(published_ids),
        "published_total": sum(published_ids.values()),
        "published_duplicates": sum(published_ids.values()) - len(published_ids),
        # A poison dead-lettered by an invocation that then died is dead-lettered again on retry.
        "dlq": {
            "messages": len(dlq_bodies),
            "poison_sent": len(poison),
            "poison_found": len(dead),
            "other": len(dlq_bodies) - sum(dead.values()),
        },
        "faults_injected": dict(sorted(faults.injected.items())),
        "receiver_latency_ms": {
            "p50": round(1000 * _percentile(latencies, 0.50), 2),
            "p99": round(1000 * _percentile(latencies, 0.99), 2),
        },
        "wall_seconds": round(wall, 1),
        "measured": {
            "aws_calls": dict(sorted(meter.calls.items())),
            "dynamodb_write_units": meter.write_units,
            "sqs_send_chunks": meter.sqs_chunks,
            "sns_messages": meter.sns_messages,
            "sns_chunks": meter.sns_chunks,
            "log_lines": logs.lines,
            "log_bytes": logs.bytes,
            "invocations": invocations,
            "mean_ms": {
                name: round(1000 * statistics.fmean(values), 2) if values else 0.0
                for name, values in durations.items()
            },
        },
    }
