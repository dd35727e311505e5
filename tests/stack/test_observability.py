"""Alarms, dashboard and the mapping's concurrency, as the offline preview registers them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from compliance.preview import Preview
from stack.config import ConfigError, StackConfig
from tests.stack.test_config import load
from tests.stack.test_platform import alarms, one, queue

MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


def watched(stack: Preview) -> dict[str, tuple[Any, ...]]:
    return {
        name: (a["namespace"], a["metricName"], a["statistic"], a["dimensions"], a["threshold"])
        for name, a in alarms(stack).items()
    }


@pytest.mark.evidence("10.7.2")
def test_every_loss_or_delay_path_has_an_alarm_on_what_the_code_emits(stack: Preview) -> None:
    found = watched(stack)
    receiver = {"service": "webhook-receiver"}
    assert {k: v for k, v in found.items() if v[0] == "payment-webhooks-qa"} == {
        "webhook-signature-rejections-alarm-qa": (
            "payment-webhooks-qa", "SignatureRejected", "Sum", receiver, 10,
        ),
        "webhook-failed-closed-alarm-qa": (
            "payment-webhooks-qa", "FailedClosed", "Sum", receiver, 0,
        ),
        "webhook-enqueue-failures-alarm-qa": (
            "payment-webhooks-qa", "EnqueueFailed", "Sum", receiver, 0,
        ),
    }  # fmt: skip
    assert found["webhook-ingest-age-alarm-qa"] == (
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        "Maximum",
        {"QueueName": "webhook-events-qa"},
        600,
    )
    for kind in ("receiver", "processor"):
        assert found[f"webhook-{kind}-throttles-alarm-qa"] == (
            "AWS/Lambda", "Throttles", "Sum", {"FunctionName": f"webhook-{kind}-qa"}, 0,
        )  # fmt: skip
    topic = one(stack, "aws:sns/topic:Topic", "payment-alerts-qa").outputs["arn"]
    for name, alarm in alarms(stack).items():
        assert alarm["comparisonOperator"] == "GreaterThanThreshold", name
        assert (alarm["alarmActions"], alarm["okActions"]) == ([topic], [topic]), name
        assert alarm["treatMissingData"] == "notBreaching", name


def test_alarm_thresholds_follow_config(preview_stack: Callable[..., Preview]) -> None:
    found = watched(preview_stack(signatureRejectionThreshold="3", ingestAgeAlarmSeconds="120"))
    assert found["webhook-signature-rejections-alarm-qa"][-1] == 3
    assert found["webhook-ingest-age-alarm-qa"][-1] == 120


def test_functions_emit_into_the_stacks_own_namespace(stack: Preview) -> None:
    for function in stack.of_type("aws:lambda/function:Function"):
        variables = function.inputs["environment"]["variables"]
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "payment-webhooks-qa", function.urn


def test_mapping_concurrency_stays_below_the_processor_reservation(stack: Preview) -> None:
    mapping = one(stack, MAPPING).inputs
    processor = one(stack, "aws:lambda/function:Function", "webhook-processor-qa").inputs
    assert mapping["scalingConfig"] == {"maximumConcurrency": 90}
    assert (
        mapping["scalingConfig"]["maximumConcurrency"] < processor["reservedConcurrentExecutions"]
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"processorMaxConcurrency": "40"}, 40),
        ({"reservedConcurrency": "50"}, 45),
        ({"reservedConcurrency": "3"}, 2),
    ],
)
def test_mapping_concurrency_follows_config(
    preview_stack: Callable[..., Preview], overrides: dict[str, str], expected: int
) -> None:
    mapping = one(preview_stack(**overrides), MAPPING).inputs
    assert mapping["scalingConfig"] == {"maximumConcurrency": expected}


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"processorMaxConcurrency": "100"}, "must be below reservedConcurrency (100) (got '100')"),
        ({"processorMaxConcurrency": "1"}, "greater than or equal to 2 (got '1')"),
        ({"processorMaxConcurrency": "1001", "reservedConcurrency": "1000"}, "less than or equal"),
        ({"reservedConcurrency": "2"}, "needs reservedConcurrency above 2 (got 2)"),
        ({"signatureRejectionThreshold": "-1"}, "greater than or equal to 0 (got '-1')"),
        ({"ingestAgeAlarmSeconds": "59"}, "greater than or equal to 60 (got '59')"),
    ],
)
def test_bad_observability_config_names_key_and_rule(overrides: dict[str, str], rule: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(**overrides)
    assert rule in str(caught.value)


def test_observability_defaults() -> None:
    config: StackConfig = load()
    assert (
        config.mapping_max_concurrency,
        config.signature_rejection_threshold,
        config.ingest_age_alarm_seconds,
    ) == (90, 10, 600)


def test_dashboard_shows_the_pipeline(stack: Preview) -> None:
    dashboard = one(stack, DASHBOARD).inputs
    assert dashboard["dashboardName"] == "payment-webhooks-dashboard-qa"
    body = json.loads(dashboard["dashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles == [
        "Deliveries by provider and outcome",
        "Receiver failures (each alarmed)",
        "Ingest queue: depth and oldest message (s)",
        "Records stored, published, duplicates, ignored, poison, retried",
        "Event age, received to stored (s)",
        "Dead-letter queue depth",
        "Function errors and throttles",
    ]
    by_title = {w["properties"]["title"]: w["properties"] for w in body["widgets"]}
    # Every alarmed metric of the functions is drawn with the alarm's exact dimensions.
    drawn = {tuple(m[:4]) for m in by_title["Receiver failures (each alarmed)"]["metrics"]}
    for name in ("signature-rejections", "failed-closed", "enqueue-failures"):
        a = alarms(stack)[f"webhook-{name}-alarm-qa"]
        ((dim, value),) = a["dimensions"].items()
        assert (a["namespace"], a["metricName"], dim, value) in drawn
    per_provider = by_title["Deliveries by provider and outcome"]["metrics"][0][0]["expression"]
    assert per_provider == (
        'SEARCH(\'{"payment-webhooks-qa",provider,service} service="webhook-receiver"\', '
        "'Sum', 300)"
    )
    queues = {m[3] for m in by_title["Ingest queue: depth and oldest message (s)"]["metrics"]}
    assert queues == {queue(stack, "webhook-events-qa").inputs["name"]}
    dlq = by_title["Dead-letter queue depth"]["metrics"]
    assert dlq == [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "webhook-dlq-qa"]]
    errors = {tuple(m) for m in by_title["Function errors and throttles"]["metrics"]}
    assert errors == {
        ("AWS/Lambda", metric, "FunctionName", f"webhook-{kind}-qa")
        for metric in ("Errors", "Throttles")
        for kind in ("receiver", "processor")
    }
    for widget in body["widgets"]:
        assert widget["properties"]["region"] == "us-east-1"
