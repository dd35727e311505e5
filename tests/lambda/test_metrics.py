"""Each failure, driven through the handlers, prints the EMF metric its alarm watches.

The alarms come from the offline preview of the real stack (namespace, metric name, exact
dimension set and values), and each function runs with the metrics namespace and service name
the stack gives it; the EMF lines are what Powertools prints to stdout, where CloudWatch Logs
extracts them. A renamed metric, dimension or namespace on either side fails here.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from compliance.preview import Preview, run_preview
from tests.stack.conftest import BASE_CONFIG, ROOT
from webhook_processor import metrics

from . import provider_events as events
from .conftest import PARAMETERS

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    bundle = tmp_path_factory.mktemp("bundle") / "lambda.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("webhook_processor/__init__.py", "")
    return run_preview(ROOT, stack="qa", config={**BASE_CONFIG, "lambdaBundle": str(bundle)})


def alarm(preview: Preview, name: str) -> dict[str, Any]:
    (found,) = [a.inputs for a in preview.of_type(ALARM) if a.inputs["name"] == name]
    return found


@pytest.fixture
def emitted(
    preview: Preview, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Any:
    """``emitted(function)``: a context in which the handlers run with that function's metrics
    settings from the preview; it yields the list of EMF documents printed meanwhile."""

    @contextmanager
    def run(function: str) -> Iterator[list[dict[str, Any]]]:
        (fn,) = [
            f
            for f in preview.of_type("aws:lambda/function:Function")
            if f.inputs["name"] == function
        ]
        variables = fn.inputs["environment"]["variables"]
        monkeypatch.setattr(metrics.emf, "namespace", variables["POWERTOOLS_METRICS_NAMESPACE"])
        monkeypatch.setattr(metrics.emf, "service", variables["POWERTOOLS_SERVICE_NAME"])
        capsys.readouterr()
        documents: list[dict[str, Any]] = []
        yield documents
        for line in capsys.readouterr().out.splitlines():
            if line.startswith("{") and '"_aws"' in line:
                documents.append(json.loads(line))

    return run


def matches(document: dict[str, Any], watched: dict[str, Any]) -> bool:
    """True when the EMF document carries the alarm's metric under exactly its dimensions."""
    dimensions = watched["dimensions"]
    for directive in document["_aws"]["CloudWatchMetrics"]:
        names = {m["Name"] for m in directive["Metrics"]}
        if directive["Namespace"] != watched["namespace"] or watched["metricName"] not in names:
            continue
        for dimension_set in directive["Dimensions"]:
            if set(dimension_set) == set(dimensions) and all(
                document.get(k) == v for k, v in dimensions.items()
            ):
                return document[watched["metricName"]] not in (0, [0], [0.0])
    return False


def fires(preview: Preview, name: str, documents: list[dict[str, Any]]) -> bool:
    watched = alarm(preview, name)
    total = sum(
        sum(v) if isinstance(v, list) else v
        for d in documents
        if matches(d, watched)
        for v in [d[watched["metricName"]]]
    )
    return total > watched["threshold"]


def test_signature_rejections_above_the_threshold_fire_their_alarm(platform, preview, emitted):
    threshold = int(alarm(preview, "webhook-signature-rejections-alarm-qa")["threshold"])
    body = events.body_of(events.stripe_payload("payment_intent.succeeded"))
    forged = events.stripe_headers(body, secret="whsec_rotated_elsewhere")
    with emitted("webhook-receiver-qa") as documents:
        for _ in range(threshold):
            assert platform.post("/stripe", body, forged)["statusCode"] == 401
    assert not fires(preview, "webhook-signature-rejections-alarm-qa", documents)
    with emitted("webhook-receiver-qa") as more:
        assert platform.post("/stripe", body, forged)["statusCode"] == 401
    assert fires(preview, "webhook-signature-rejections-alarm-qa", documents + more)
    # per provider and per reason too, for the dashboard
    (last,) = more
    assert (last["provider"], last["reason"]) == ("stripe", "bad_signature")
    assert sorted(map(sorted, last["_aws"]["CloudWatchMetrics"][0]["Dimensions"])) == [
        ["provider", "reason", "service"],
        ["provider", "service"],
        ["service"],
    ]


def test_an_unset_secret_fires_the_fail_closed_alarm(platform, preview, emitted):
    platform.client("ssm").put_parameter(
        Name=PARAMETERS["STRIPE_SIGNING_SECRET_PARAM"][0],
        Value="UNSET: set me",
        Type="SecureString",
        Overwrite=True,
    )
    with emitted("webhook-receiver-qa") as documents:
        assert platform.deliver("stripe", "payment_intent.succeeded")["statusCode"] == 503
    assert fires(preview, "webhook-failed-closed-alarm-qa", documents)


def test_a_misconfigured_receiver_fires_the_fail_closed_alarm(platform, preview, emitted):
    platform.monkeypatch.delenv("INGEST_QUEUE_URL")
    with emitted("webhook-receiver-qa") as documents:
        assert platform.deliver("square", "payment.updated")["statusCode"] == 503
    assert fires(preview, "webhook-failed-closed-alarm-qa", documents)


def test_an_enqueue_failure_fires_its_alarm(platform, preview, emitted):
    platform.client("sqs").delete_queue(QueueUrl=platform.ingest_url)
    with emitted("webhook-receiver-qa") as documents:
        assert platform.deliver("paypal", "PAYMENT.CAPTURE.COMPLETED")["statusCode"] == 503
    assert fires(preview, "webhook-enqueue-failures-alarm-qa", documents)
    assert not fires(preview, "webhook-failed-closed-alarm-qa", documents)


def test_an_accepted_delivery_fires_no_alarm(platform, preview, emitted):
    with emitted("webhook-receiver-qa") as documents:
        assert platform.deliver("square", "payment.updated")["statusCode"] == 200
    custom = [
        a.inputs["name"]
        for a in preview.of_type(ALARM)
        if a.inputs["namespace"] == "payment-webhooks-qa"
    ]
    assert len(custom) == 3
    assert not [name for name in custom if fires(preview, name, documents)]
    (document,) = documents
    assert document["DeliveryAccepted"] == [1.0]
    assert document["provider"] == "square"


def test_route_rejections_are_counted_by_reason(platform, emitted):
    with emitted("webhook-receiver-qa") as documents:
        assert platform.post("/nowhere", b"{}", {})["statusCode"] == 404
        assert platform.post("/stripe", b"{}", {}, method="GET")["statusCode"] == 405
    assert [(d.get("provider"), d["reason"]) for d in documents] == [
        (None, "not_found"),
        ("stripe", "method_not_allowed"),
    ]
    assert all(d["RequestRejected"] == [1.0] for d in documents)


def test_processor_counts_every_outcome(platform, emitted):
    platform.deliver("square", "payment.updated")
    platform.deliver("square", "payment.updated")  # the provider retried: same event
    platform.deliver("stripe", "customer.created")  # not stored
    platform.client("sqs").send_message(QueueUrl=platform.ingest_url, MessageBody='{"version": 1}')
    with emitted("webhook-processor-qa") as documents:
        platform.drain()
    (document,) = documents
    counts = {
        name: sum(document[name])
        for name in (
            "RecordsStored", "DuplicatesSkipped", "RecordsPublished", "EventsIgnored",
            "PoisonMessages", "MessagesRetried",
        )
    }  # fmt: skip
    assert counts == {
        "RecordsStored": 1,
        "DuplicatesSkipped": 1,
        "RecordsPublished": 1,
        "EventsIgnored": 1,
        "PoisonMessages": 1,
        "MessagesRetried": 0,
    }
    (age,) = document["EventAge"]
    assert 0 <= age < 60
    assert document["service"] == "webhook-processor"
    assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]

    platform.deliver("square", "payment.updated")  # a later redelivery of a published event
    with emitted("webhook-processor-qa") as documents:
        platform.drain()
    (document,) = documents
    assert (sum(document["DuplicatesSkipped"]), sum(document["RecordsStored"])) == (1, 0)
    assert "EventAge" not in document


def test_a_transient_failure_is_counted_as_retried(platform, emitted):
    platform.client("sns").delete_topic(TopicArn=platform.topic_arn)
    platform.deliver("stripe", "payment_intent.succeeded")
    with emitted("webhook-processor-qa") as documents:
        platform.drain(rounds=1)
    (document,) = documents
    assert (sum(document["RecordsStored"]), sum(document["MessagesRetried"])) == (1, 1)


@pytest.mark.parametrize(
    ("received_at", "age"),
    [
        ("2026-12-02T10:00:00.000000Z", 90.5),
        ("2026-12-02T10:01:40.000000Z", 0.0),  # a clock ahead of ours is not a negative age
        ("2026-12-02T10:00:00", None),  # no zone: not a UTC time
        ("yesterday", None),
    ],
)
def test_age_seconds(received_at: str, age: float | None) -> None:
    now = datetime(2026, 12, 2, 10, 1, 30, 500000, tzinfo=UTC)
    assert metrics.age_seconds(received_at, now) == age
