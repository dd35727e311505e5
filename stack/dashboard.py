"""The pipeline dashboard ``payment-webhooks-dashboard-<suffix>``: one screen from delivery to DLQ.

Rows follow an event: deliveries by provider and outcome and the receiver's alarmed failures;
the ingest queue's depth and age; records stored and published with the events' age; the DLQ's
depth and both functions' errors and throttles. Per-provider and per-outcome series are CloudWatch
SEARCH expressions over the functions' own namespace, so a new provider or outcome appears without
a change here. The body is a pure function of the names (``dashboard_body``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from stack import iam
from stack.alerting import (
    ENQUEUE_FAILED,
    EVENT_AGE,
    FAILED_CLOSED,
    PERIOD_SECONDS,
    SERVICE,
    SIGNATURE_REJECTED,
)
from stack.naming import Naming

DASHBOARD: Final = "payment-webhooks-dashboard"
_WIDTH: Final = 12
_HEIGHT: Final = 6


def _search(namespace: str, dimensions: Sequence[str], service: str, extra: str = "") -> dict:
    schema = ",".join([json.dumps(namespace), *dimensions])
    term = f"{SERVICE}={json.dumps(service)}{extra}"
    return {"expression": f"SEARCH('{{{schema}}} {term}', 'Sum', {PERIOD_SECONDS})"}


def _widget(title: str, metrics: list[list[Any]], region: str, **properties: Any) -> dict:
    return {
        "type": "metric",
        "width": _WIDTH,
        "height": _HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "view": "timeSeries",
            "period": PERIOD_SECONDS,
            "stat": "Sum",
            "metrics": metrics,
            **properties,
        },
    }


def dashboard_body(
    *,
    region: str,
    namespace: str,
    function_names: Mapping[str, str],
    ingest_queue_name: str,
    dead_letter_queue_name: str,
) -> dict[str, Any]:
    """The CloudWatch dashboard body (the DashboardBody JSON structure) for these names."""
    receiver, processor = iam.RECEIVER, iam.PROCESSOR
    widgets = [
        _widget(
            "Deliveries by provider and outcome",
            [[_search(namespace, ["provider", SERVICE], receiver)]],
            region,
        ),
        _widget(
            "Receiver failures (each alarmed)",
            [
                [namespace, metric, SERVICE, receiver]
                for metric in (SIGNATURE_REJECTED, FAILED_CLOSED, ENQUEUE_FAILED)
            ],
            region,
        ),
        _widget(
            "Ingest queue: depth and oldest message (s)",
            [
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", ingest_queue_name],
                [
                    "AWS/SQS",
                    "ApproximateAgeOfOldestMessage",
                    "QueueName",
                    ingest_queue_name,
                    {"yAxis": "right"},
                ],
            ],
            region,
            stat="Maximum",
        ),
        _widget(
            "Records stored, published, duplicates, ignored, poison, retried",
            [[_search(namespace, [SERVICE], processor, f' NOT MetricName="{EVENT_AGE}"')]],
            region,
        ),
        _widget(
            "Event age, received to stored (s)",
            [
                [namespace, EVENT_AGE, SERVICE, processor, {"stat": stat}]
                for stat in ("p50", "p99", "Maximum")
            ],
            region,
        ),
        _widget(
            "Dead-letter queue depth",
            [
                [
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    "QueueName",
                    dead_letter_queue_name,
                ]
            ],
            region,
            stat="Maximum",
        ),
        _widget(
            "Function errors and throttles",
            [
                ["AWS/Lambda", metric, "FunctionName", name]
                for name in function_names.values()
                for metric in ("Errors", "Throttles")
            ],
            region,
        ),
    ]
    for index, widget in enumerate(widgets):
        widget["x"], widget["y"] = (index % 2) * _WIDTH, (index // 2) * _HEIGHT
    return {"widgets": widgets}


class PipelineDashboard(pulumi.ComponentResource):
    """The CloudWatch dashboard of one stack (see the module docstring)."""

    dashboard: aws.cloudwatch.Dashboard

    def __init__(
        self,
        naming: Naming,
        *,
        region: str,
        function_names: Mapping[str, pulumi.Input[str]],
        ingest_queue_name: pulumi.Input[str],
        dead_letter_queue_name: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "payment-webhooks:dashboard:PipelineDashboard", naming.name("dashboard"), None, opts
        )
        kinds = list(function_names)
        body = pulumi.Output.all(
            ingest_queue_name, dead_letter_queue_name, *function_names.values()
        ).apply(
            lambda names: json.dumps(
                dashboard_body(
                    region=region,
                    namespace=naming.metrics_namespace,
                    function_names=dict(zip(kinds, names[2:], strict=True)),
                    ingest_queue_name=names[0],
                    dead_letter_queue_name=names[1],
                ),
                sort_keys=True,
            )
        )
        name = naming.name(DASHBOARD)
        self.dashboard = aws.cloudwatch.Dashboard(
            name,
            dashboard_name=name,
            dashboard_body=body,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"dashboardName": self.dashboard.dashboard_name})
