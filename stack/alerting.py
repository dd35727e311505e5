"""Alerting: failures are detected and someone is told (PCI DSS 10.7.2).

CloudWatch alarms on the dead-letter queue's depth and on each function's errors notify an
encrypted, TLS-only SNS topic ``payment-alerts-<suffix>``; ``alertEmail`` subscribes an address
(AWS sends a confirmation mail first). Other targets (PagerDuty, Slack via Chatbot) subscribe
to the topic the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

import pulumi
import pulumi_aws as aws

from stack.messaging import encrypted_topic
from stack.naming import Naming
from stack.resource_policies import alarm_topic_policy

PERIOD_SECONDS: Final = 300
DLQ_ALARM: Final = "webhook-dlq-alarm"


def errors_alarm(function_type: str) -> str:
    """The resource type of a function's errors alarm, e.g. webhook-receiver-errors-alarm."""
    return f"{function_type}-errors-alarm"


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
        dead_letter_queue_name: pulumi.Input[str],
        function_names: Mapping[str, pulumi.Input[str]],
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
                        alarm_arns=[
                            naming.alarm_arn(region, values[1], alarm)
                            for alarm in (DLQ_ALARM, *map(errors_alarm, function_names))
                        ],
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

        self._alarm(
            DLQ_ALARM,
            description="Events failed every retry and wait in the dead-letter queue",
            namespace="AWS/SQS",
            metric="ApproximateNumberOfMessagesVisible",
            statistic="Maximum",
            dimensions={"QueueName": dead_letter_queue_name},
        )
        for kind, function_name in function_names.items():
            self._alarm(
                errors_alarm(kind),
                description=f"The {kind} function failed (unhandled errors or timeouts)",
                namespace="AWS/Lambda",
                metric="Errors",
                statistic="Sum",
                dimensions={"FunctionName": function_name},
            )
        self.register_outputs({"alertsTopicArn": self.topic.arn})

    def _alarm(
        self,
        resource_type: str,
        *,
        description: str,
        namespace: str,
        metric: str,
        statistic: str,
        dimensions: Mapping[str, pulumi.Input[str]],
    ) -> aws.cloudwatch.MetricAlarm:
        """Alarm (and notify) as soon as the metric is above zero for one period."""
        name = self._naming.name(resource_type)
        return aws.cloudwatch.MetricAlarm(
            name,
            name=name,
            alarm_description=description,
            namespace=namespace,
            metric_name=metric,
            statistic=statistic,
            dimensions=dimensions,
            period=PERIOD_SECONDS,
            evaluation_periods=1,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            tags=self._naming.tags(),
            opts=pulumi.ResourceOptions(parent=self),
        )
