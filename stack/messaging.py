"""The ingest queue, its dead-letter queue and the payment-events topic.

A message is delivered once and retried ``maxRetries`` times, so the redrive policy's
``maxReceiveCount`` is ``maxRetries + 1``; then SQS moves it to the DLQ, kept 14 days.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from stack.naming import Naming
from stack.resource_policies import deny_insecure_transport

DLQ_RETENTION_SECONDS: Final = 14 * 24 * 3600  # the SQS maximum
# The SQS maximum: the receiver accepts bodies up to 256 KB and its envelope adds a little, so
# SQS's 256 KiB default would refuse the largest valid deliveries.
MAX_MESSAGE_BYTES: Final = 1024 * 1024
# Seconds SQS reuses a data key before asking KMS again: fewer KMS calls, same key.
KMS_DATA_KEY_REUSE_SECONDS: Final = 300


def encrypted_queue(
    naming: Naming,
    resource_type: str,
    *,
    key_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    **settings: Any,
) -> aws.sqs.Queue:
    """``<resource_type>-<suffix>``: a CMK-encrypted SQS queue with a TLS-only queue policy."""
    child = pulumi.ResourceOptions(parent=parent)
    name = naming.name(resource_type)
    queue = aws.sqs.Queue(
        name,
        name=name,
        kms_master_key_id=key_arn,
        kms_data_key_reuse_period_seconds=KMS_DATA_KEY_REUSE_SECONDS,
        max_message_size=MAX_MESSAGE_BYTES,
        tags=naming.tags(),
        opts=child,
        **settings,
    )
    aws.sqs.QueuePolicy(
        naming.name(f"{resource_type}-policy"),
        queue_url=queue.url,
        policy=queue.arn.apply(lambda arn: json.dumps(deny_insecure_transport("sqs", arn))),
        opts=child,
    )
    return queue


def encrypted_topic(
    naming: Naming,
    resource_type: str,
    *,
    key_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    policy: Callable[[pulumi.Output[str]], pulumi.Input[str]],
) -> aws.sns.Topic:
    """``<resource_type>-<suffix>``: a CMK-encrypted SNS topic whose access policy is built from
    its ARN by ``policy`` (which must deny non-TLS access)."""
    child = pulumi.ResourceOptions(parent=parent)
    name = naming.name(resource_type)
    topic = aws.sns.Topic(
        name, name=name, kms_master_key_id=key_arn, tags=naming.tags(), opts=child
    )
    aws.sns.TopicPolicy(
        naming.name(f"{resource_type}-policy"), arn=topic.arn, policy=policy(topic.arn), opts=child
    )
    return topic


class Messaging(pulumi.ComponentResource):
    """Encrypted, TLS-only SQS queues (ingest + DLQ) and SNS topic."""

    ingest_queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue
    topic: aws.sns.Topic

    def __init__(
        self,
        naming: Naming,
        *,
        key_arn: pulumi.Input[str],
        max_receive_count: int,
        visibility_timeout_seconds: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "payment-webhooks:messaging:Messaging", naming.name("messaging"), None, opts
        )
        self.dead_letter_queue = encrypted_queue(
            naming,
            "webhook-dlq",
            key_arn=key_arn,
            parent=self,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
        )
        self.ingest_queue = encrypted_queue(
            naming,
            "webhook-events",
            key_arn=key_arn,
            parent=self,
            visibility_timeout_seconds=visibility_timeout_seconds,
            redrive_policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": max_receive_count}
                )
            ),
        )
        self.topic = encrypted_topic(
            naming,
            "payment-events",
            key_arn=key_arn,
            parent=self,
            policy=lambda arn: arn.apply(
                lambda value: json.dumps(deny_insecure_transport("sns", value))
            ),
        )
        self.register_outputs(
            {
                "ingestQueueUrl": self.ingest_queue.url,
                "deadLetterQueueUrl": self.dead_letter_queue.url,
                "topicArn": self.topic.arn,
            }
        )
