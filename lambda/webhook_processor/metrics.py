"""Powertools Metrics: what each function counts, in CloudWatch embedded metric format (EMF).

EMF metrics are JSON lines on stdout that CloudWatch Logs turns into metrics: no API call per
request and no ``cloudwatch:PutMetricData`` permission.

- **Namespace**: ``POWERTOOLS_METRICS_NAMESPACE``, one per stack (the stack sets it;
  ``DEFAULT_NAMESPACE`` only serves local runs).
- **Dimensions**: ``service`` (from ``POWERTOOLS_SERVICE_NAME``: ``webhook-receiver`` or
  ``webhook-processor``) on every metric. A receiver outcome is also emitted per ``provider``
  and, for rejections, per ``provider`` and ``reason``: the dimension sets ``[service]``,
  ``[service, provider]`` and ``[service, provider, reason]`` (those whose values are known).
  CloudWatch treats each set as its own metric: the alarms watch ``[service]``, the dashboard
  the finer sets. The processor counts per batch, under ``[service]`` only.

The names below are the contract with the stack's alarms and dashboard. The stack cannot import
this package (it is the Lambda bundle, not on the Pulumi program's path, and the stack must not
depend on handler code), so stack/alerting.py names what it alarms on itself, and
tests/lambda/test_metrics.py drives every outcome through the handlers and matches what they
print against the alarms of the offline preview: a rename on either side fails there.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Final

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE_ENV: Final = "POWERTOOLS_METRICS_NAMESPACE"
DEFAULT_NAMESPACE: Final = "PaymentWebhooks"
PROVIDER: Final = "provider"
REASON: Final = "reason"

# Receiver: exactly one outcome per request.
DELIVERY_ACCEPTED: Final = "DeliveryAccepted"
"""Verified and enqueued (200)."""
REQUEST_REJECTED: Final = "RequestRejected"
"""Refused before verification (404, 405, 400, 413), by ``reason``."""
SIGNATURE_REJECTED: Final = "SignatureRejected"
"""Signature check failed (401), by ``reason``: a rotated or mistyped secret rejects all."""
FAILED_CLOSED: Final = "FailedClosed"
"""Signing material missing, unset or unreadable, the function misconfigured, or the provider's
verification API unavailable (503, by ``reason`` for the last)."""
ENQUEUE_FAILED: Final = "EnqueueFailed"
"""Verified, but SQS refused the message (503; the provider retries)."""
DELIVERY_DEAD_LETTERED: Final = "DeliveryDeadLettered"
"""Verified but never processable (not JSON): sent straight to the DLQ (200)."""

# Processor: per batch.
RECORDS_STORED: Final = "RecordsStored"
DUPLICATES_SKIPPED: Final = "DuplicatesSkipped"
"""Messages whose record was already stored and published (redeliveries, replays)."""
RECORDS_PUBLISHED: Final = "RecordsPublished"
EVENTS_IGNORED: Final = "EventsIgnored"
POISON_MESSAGES: Final = "PoisonMessages"
MESSAGES_RETRIED: Final = "MessagesRetried"
EVENT_AGE: Final = "EventAge"
"""Seconds from ``received_at`` (the receiver's clock) to stored, per newly stored record."""

emf = Metrics(namespace=os.environ.get(NAMESPACE_ENV) or DEFAULT_NAMESPACE)
"""The functions' one Powertools Metrics instance (service from the environment)."""
log_metrics = emf.log_metrics
"""The handler decorator: prints this invocation's metrics as one EMF line, then clears them."""


def count(name: str, value: float = 1) -> None:
    """Add ``value`` to a count metric of this invocation."""
    emf.add_metric(name=name, unit=MetricUnit.Count, value=value)


def delivery(name: str, *, provider: str | None = None, reason: str | None = None) -> None:
    """Count one receiver outcome under ``[service]`` and each finer set whose values are known."""
    count(name)
    finer = {"service": str(emf.service)} if emf.service else {}
    for dimension, value in ((PROVIDER, provider), (REASON, reason)):
        if value:
            finer[dimension] = str(value)
            emf.add_dimensions(**finer)


def age_seconds(received_at: str, now: datetime) -> float | None:
    """Seconds between an ISO-8601 UTC ``received_at`` and ``now``; None if unparseable."""
    try:
        received = datetime.fromisoformat(received_at)
    except ValueError:
        return None
    if received.tzinfo is None:
        return None
    return max(0.0, (now - received).total_seconds())


def event_age(received_at: str, now: datetime) -> None:
    """Record one event's age (see ``EVENT_AGE``); an unparseable time is not counted."""
    age = age_seconds(received_at, now)
    if age is not None:
        emf.add_metric(name=EVENT_AGE, unit=MetricUnit.Seconds, value=age)
