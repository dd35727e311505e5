"""Alerting: every way an event can be lost or delayed notifies someone (PCI DSS 10.7.2).

CloudWatch alarms notify an encrypted, TLS-only SNS topic ``payment-alerts-<suffix>``;
``alertEmail`` subscribes an address (AWS sends a confirmation mail first). Other targets
(PagerDuty, Slack via Chatbot) subscribe to the topic the same way.

The receiver answers its failures (401, 503) instead of raising, and the processor reports
partial batch failures: neither is a Lambda ``Errors``. So besides the DLQ's depth and each
function's errors and throttles, the alarms watch the functions' own metrics (EMF, namespace
``payment-webhooks-<suffix>``, dimension ``service``): signature rejections above
``signatureRejectionThreshold``, any fail-closed answer, any enqueue failure; and the ingest
queue's oldest message above ``ingestAgeAlarmSeconds``. docs/operations.md says what each means
and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from stack import iam
from stack.messaging import encrypted_topic
from stack.naming import Naming
from stack.resource_policies import alarm_topic_policy

PERIOD_SECONDS: Final = 300
DLQ_ALARM: Final = "webhook-dlq-alarm"
INGEST_AGE_ALARM: Final = "webhook-ingest-age-alarm"
SIGNATURE_ALARM: Final = "webhook-signature-rejections-alarm"
FAILED_CLOSED_ALARM: Final = "webhook-failed-closed-alarm"
ENQUEUE_ALARM: Final = "webhook-enqueue-failures-alarm"

# The functions' metric names and dimension (webhook_processor.metrics emits them; the stack
# cannot import the bundle's code, so tests drive the handlers and match these definitions).
SERVICE: Final = "service"
SIGNATURE_REJECTED: Final = "SignatureRejected"
FAILED_CLOSED: Final = "FailedClosed"
ENQUEUE_FAILED: Final = "EnqueueFailed"
EVENT_AGE: Final = "EventAge"


def errors_alarm(function_type: str) -> str:
    """The resource type of a function's errors alarm, e.g. webhook-receiver-errors-alarm."""
    return f"{function_type}-errors-alarm"


def throttles_alarm(function_type: str) -> str:
    """The resource type of a function's throttles alarm."""
    return f"{function_type}-throttles-alarm"


@dataclass(frozen=True)
class Watch:
    """What one alarm watches, and above which value (per 5-minute period) it fires."""

    description: str
    namespace: pulumi.Input[str]
    metric: str
    statistic: str
    dimensions: Mapping[str, pulumi.Input[str]]
    threshold: float = 0


@dataclass(frozen=True)
class Thresholds:
    """The configurable alarm thresholds (stack config)."""

    signature_rejections: int
    ingest_age_seconds: int


def watches(
    naming: Naming,
    *,
    dead_letter_queue_name: pulumi.Input[str],
    ingest_queue_name: pulumi.Input[str],
    function_names: Mapping[str, pulumi.Input[str]],
    thresholds: Thresholds,
) -> dict[str, Watch]:
    """Every alarm of the stack by resource type (the order docs/operations.md lists them)."""
    namespace = naming.metrics_namespace
    receiver = {SERVICE: iam.RECEIVER}
    found = {
        SIGNATURE_ALARM: Watch(
            "Signature rejections above the threshold: a rotated or mistyped secret, or forgery",
            namespace, SIGNATURE_REJECTED, "Sum", receiver, thresholds.signature_rejections,
        ),
        FAILED_CLOSED_ALARM: Watch(
            "The receiver failed closed (503): signing material unset or unreadable",
            namespace, FAILED_CLOSED, "Sum", receiver,
        ),
        ENQUEUE_ALARM: Watch(
            "The receiver could not enqueue a verified delivery (503): providers are retrying",
            namespace, ENQUEUE_FAILED, "Sum", receiver,
        ),
        INGEST_AGE_ALARM: Watch(
            "The ingest queue's oldest message waits longer than the configured age",
            "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum",
            {"QueueName": ingest_queue_name}, thresholds.ingest_age_seconds,
        ),
        DLQ_ALARM: Watch(
            "Events failed every retry and wait in the dead-letter queue",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum",
            {"QueueName": dead_letter_queue_name},
        ),
    }  # fmt: skip
    for kind, function_name in function_names.items():
        function = {"FunctionName": function_name}
        found[errors_alarm(kind)] = Watch(
            f"The {kind} function failed (unhandled errors or timeouts)",
            "AWS/Lambda", "Errors", "Sum", function,
        )  # fmt: skip
        found[throttles_alarm(kind)] = Watch(
            f"The {kind} function was throttled (its reserved concurrency was exhausted)",
            "AWS/Lambda", "Throttles", "Sum", function,
        )  # fmt: skip
    return found


class Alerting(pulumi.ComponentResource):
    """The alerts topic and the alarms that publish to it."""

    topic: aws.sns.Topic

    def __init__(
        self,
        naming: Naming,
        *,
        key_arn: pulumi.Input[str],
        account_id: pulumi.Input[str],
        region: str,
        watched: Mapping[str, Watch],
        alert_email: str | None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("payment-webhooks:alerting:Alerting", naming.name("alerting"), None, opts)
        self._naming = naming
        child = pulumi.ResourceOptions(parent=self)
        self.topic = encrypted_topic(
            naming,
            "payment-alerts",
            key_arn=key_arn,
            parent=self,
            policy=lambda arn: pulumi.Output.all(arn, account_id).apply(
                lambda values: json.dumps(
                    alarm_topic_policy(
                        topic_arn=values[0],
                        account_id=values[1],
                        alarm_arns=[naming.alarm_arn(region, values[1], a) for a in watched],
                    )
                )
            ),
        )
        if alert_email:
            aws.sns.TopicSubscription(
                naming.name("payment-alerts-email"),
                topic=self.topic.arn,
                protocol="email",
                endpoint=alert_email,
                opts=child,
            )
        for resource_type, watch in watched.items():
            self._alarm(resource_type, watch)
        self.register_outputs({"alertsTopicArn": self.topic.arn})

    def _alarm(self, resource_type: str, watch: Watch) -> aws.cloudwatch.MetricAlarm:
        """Alarm (and notify) as soon as the metric is above the threshold for one period."""
        name = self._naming.name(resource_type)
        return aws.cloudwatch.MetricAlarm(
            name,
            name=name,
            alarm_description=watch.description,
            namespace=watch.namespace,
            metric_name=watch.metric,
            statistic=watch.statistic,
            dimensions=watch.dimensions,
            period=PERIOD_SECONDS,
            evaluation_periods=1,
            threshold=watch.threshold,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            tags=self._naming.tags(),
            opts=pulumi.ResourceOptions(parent=self),
        )
