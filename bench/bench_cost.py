"""What a million webhooks cost in us-east-1: measured per-webhook figures times dated prices.

The figures come from a fault-free short soak on the local platform (``local.soak``): AWS calls,
DynamoDB write units, SQS/SNS 64 KB chunks, log bytes, invocations and durations per accepted
webhook. Prices come from ``bench/prices-us-east-1.json`` (each with its page and date). What
cannot be measured locally is an assumption, named in ``ASSUMPTIONS`` and printed:

- durations are moto's over loopback on a shared machine, so GB-seconds are an upper bound;
- Lambda writes two platform log records per invocation (START/REPORT in JSON) of ~300 bytes;
- the month carries ``MONTHLY_WEBHOOKS``; KMS and X-Ray depend on the rate, not only the count;
- one receiver and one processor environment per 5 minutes re-read each secret (SSM TTL), and
  SQS asks KMS for a data key per principal per reuse period (the SQS formula in the data file);
- X-Ray records the default rule's traces: 1 per second shared, then 5 %, one trace per
  invocation of each (traced) function.

``run()`` also prices, from the same measured usage, the processor's writes as they were before
issue 12 (``TransactWriteItems``: two write units per KB per item, where its conditional
``PutItem``/``UpdateItem`` cost one) and the cheaper settings that keep every guarantee.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import Measurement

ROOT = Path(__file__).resolve().parents[1]
PRICES = Path(__file__).with_name("prices-us-east-1.json")
MILLION = 1_000_000
MONTH_SECONDS = 30 * 24 * 3600
MONTHLY_WEBHOOKS = 1_000_000
PLATFORM_LOG_BYTES_PER_INVOCATION = 600
ENVIRONMENTS = 2  # warm execution environments per function at this rate
SECRET_TTL_SECONDS = 300
SECRET_PARAMETERS = 4
ASSUMPTIONS = __doc__.split("named in ``ASSUMPTIONS`` and printed:")[1].split("``run()``")[0]


@dataclass(frozen=True)
class PerWebhook:
    """Measured usage per accepted webhook."""

    receiver_invocations: float
    processor_invocations: float
    receiver_ms: float
    processor_ms: float
    sqs_requests: float  # send chunks + the mapping's receive and delete calls
    write_units: float
    sns_chunks: float
    log_bytes: float
    memory_gb: float = 1.0


@dataclass(frozen=True)
class Settings:
    """The stack settings the cost depends on."""

    kms_data_key_reuse_seconds: int = 300
    xray_reservoir_per_second: float = 1.0
    xray_fixed_rate: float = 0.05
    transactional_writes: bool = False  # the same writes through TransactWriteItems


def measured(result: Mapping[str, Any]) -> PerWebhook:
    """Per-webhook figures from a soak result (``local.soak.run``)."""
    m = result["measured"]
    webhooks = result["accepted"]
    invocations = m["invocations"]
    batches = invocations["processor"]
    # The event source mapping: one ReceiveMessage and one DeleteMessageBatch per batch.
    sqs = m["sqs_send_chunks"] + 2 * batches
    return PerWebhook(
        receiver_invocations=invocations["receiver"] / webhooks,
        processor_invocations=batches / webhooks,
        receiver_ms=m["mean_ms"]["receiver"],
        processor_ms=m["mean_ms"]["processor"],
        sqs_requests=sqs / webhooks,
        write_units=m["dynamodb_write_units"] / webhooks,
        sns_chunks=m["sns_chunks"] / webhooks,
        log_bytes=m["log_bytes"] / webhooks
        + PLATFORM_LOG_BYTES_PER_INVOCATION * (invocations["receiver"] + batches) / webhooks,
    )


def _traces(invocations_per_month: float, settings: Settings) -> float:
    rate = invocations_per_month / MONTH_SECONDS
    kept = min(rate, settings.xray_reservoir_per_second)
    return (kept + settings.xray_fixed_rate * max(0.0, rate - kept)) * MONTH_SECONDS


def breakdown(usage: PerWebhook, prices: Mapping[str, Any], settings: Settings) -> dict[str, float]:
    """USD per million webhooks, per line item (pure)."""
    p = {name: entry["usd"] for name, entry in prices["prices"].items()}
    invocations = (usage.receiver_invocations + usage.processor_invocations) * MILLION
    gb_seconds = (
        usage.receiver_invocations * usage.receiver_ms + usage.processor_invocations
        * usage.processor_ms
    ) / 1000 * usage.memory_gb * MILLION  # fmt: skip
    scale = MILLION / MONTHLY_WEBHOOKS  # fixed monthly costs, per million webhooks
    queue_kms = 2 * MONTH_SECONDS / settings.kms_data_key_reuse_seconds * (2 * 1 + 1)
    secret_kms = ENVIRONMENTS * SECRET_PARAMETERS * MONTH_SECONDS / SECRET_TTL_SECONDS
    return {
        "lambda requests": invocations / MILLION * p["lambda_arm64_requests_per_million"],
        "lambda GB-seconds": gb_seconds * p["lambda_arm64_gb_second"],
        "sqs requests": usage.sqs_requests * p["sqs_standard_requests_per_million"],
        "dynamodb writes": usage.write_units
        * (2 if settings.transactional_writes else 1)
        * p["dynamodb_on_demand_write_request_units_per_million"],
        "sns publishes": usage.sns_chunks * p["sns_standard_publishes_per_million"],
        "kms requests": (queue_kms + secret_kms) * scale / 10_000 * p["kms_requests_per_10000"],
        "kms key": scale * p["kms_customer_managed_key_month"],
        "logs ingestion": usage.log_bytes * MILLION / 1e9 * p["cloudwatch_logs_ingestion_per_gb"],
        "x-ray traces": _traces(invocations / scale, settings)
        * scale
        / MILLION
        * p["xray_traces_recorded_per_million"],
    }


# Only the write units are repriced: the Lambda lines keep the current code's durations (the
# transactional code made fewer, larger calls; docs/local.md gives both measured durations).
BEFORE = (
    "dynamodb: TransactWriteItems per batch (2 units/KB per item)",
    Settings(transactional_writes=True),
)
# X-Ray is not among them: Lambda applies its own sampling (1 request per second, then 5 %)
# and takes no sampling rules, and the platform requires active tracing.
CHEAPER = {
    "kms: SQS data key reuse 86400 s (the maximum)": Settings(kms_data_key_reuse_seconds=86_400),
}


def soak_usage() -> PerWebhook:
    """Run a short fault-free soak and return its per-webhook figures."""
    import local  # noqa: F401 - the Lambda code on sys.path
    from local.soak import SoakPlan
    from local.soak import run as soak

    result = soak(SoakPlan(deliveries=200, concurrency=4, forged=0, poison=0, faults={}))
    if not result["ok"]:
        msg = f"the measuring soak failed: {result['failures']}"
        raise RuntimeError(msg)
    return replace(measured(result), memory_gb=_memory_gb())


def _memory_gb() -> float:
    """The functions' memory from the offline preview (both functions share the setting)."""
    from compliance.preview import run_preview

    sizes = {
        r.inputs["memorySize"]
        for r in run_preview(ROOT, "dev").resources
        if r.type == "aws:lambda/function:Function"
    }
    return float(max(sizes)) / 1024


def report(usage: PerWebhook, prices: Mapping[str, Any]) -> tuple[str, list[Measurement]]:
    now = breakdown(usage, prices, Settings())
    total = sum(now.values())
    lines = [f"cost per million webhooks, us-east-1 prices read {prices['read_on']}:"]
    lines += [f"  {name:<20} ${usd:>9.4f}" for name, usd in now.items()]
    lines.append(f"  {'total':<20} ${total:>9.4f}")
    lines.append(
        f"  measured per accepted webhook: {usage.write_units:.3f} write units, "
        f"{usage.processor_invocations:.3f} processor invocations of {usage.processor_ms:.1f} ms"
    )
    rows = [
        Measurement("cost per million webhooks", round(total, 4), "USD", detail="current"),
        Measurement("dynamodb write units per webhook", round(usage.write_units, 4), "WRU",
                    detail="conditional PutItem/UpdateItem, 1 unit per KB"),
    ]  # fmt: skip
    label, settings = BEFORE
    before = sum(breakdown(usage, prices, settings).values())
    lines.append(
        f"  before (issue 12), {label}: ${before:.4f}; conditional single-item writes "
        f"save ${before - total:.4f}"
    )
    rows.append(Measurement("cost before: TransactWriteItems", round(before, 4), "USD",
                            detail=label))  # fmt: skip
    for label, settings in CHEAPER.items():
        cheaper = sum(breakdown(usage, prices, settings).values())
        lines.append(f"  with {label}: ${cheaper:.4f} (saves ${total - cheaper:.4f})")
        rows.append(Measurement(f"cost with {label.split(':')[0]} change", round(cheaper, 4),
                                "USD", detail=label))  # fmt: skip
    lines.append("assumptions:" + ASSUMPTIONS.rstrip())
    return "\n".join(lines), rows


def run() -> list[Measurement]:
    prices = json.loads(PRICES.read_text())
    text, rows = report(soak_usage(), prices)
    print(text)
    return rows
