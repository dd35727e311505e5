"""The ingest queue, its dead-letter queue and the payment-events topic.

A message is delivered once and retried ``maxRetries`` times, so the redrive policy's
``maxReceiveCount`` is ``maxRetries + 1``; then SQS moves it to the DLQ, kept 14 days.
"""

from __future__ import annotations

import json
from typing import Final

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
        child = pulumi.ResourceOptions(parent=self)

        dlq_name = naming.name("webhook-dlq")
        self.dead_letter_queue = aws.sqs.Queue(
            dlq_name,
            name=dlq_name,
            kms_master_key_id=key_arn,
            kms_data_key_reuse_period_seconds=KMS_DATA_KEY_REUSE_SECONDS,
            max_message_size=MAX_MESSAGE_BYTES,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            tags=naming.tags(),
            opts=child,
        )
        ingest_name = naming.name("webhook-events")
        self.ingest_queue = aws.sqs.Queue(
            ingest_name,
            name=ingest_name,
            kms_master_key_id=key_arn,
            kms_data_key_reuse_period_seconds=KMS_DATA_KEY_REUSE_SECONDS,
            max_message_size=MAX_MESSAGE_BYTES,
            visibility_timeout_seconds=visibility_timeout_seconds,
            redrive_policy=self.dead_letter_queue.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": max_receive_count}
                )
            ),
            tags=naming.tags(),
            opts=child,
        )
        for queue, resource_type in (
            (self.ingest_queue, "webhook-events-policy"),
            (self.dead_letter_queue, "webhook-dlq-policy"),
        ):
            aws.sqs.QueuePolicy(
                naming.name(resource_type),
                queue_url=queue.url,
                policy=queue.arn.apply(lambda arn: json.dumps(deny_insecure_transport("sqs", arn))),
                opts=child,
            )

        topic_name = naming.name("payment-events")
        self.topic = aws.sns.Topic(
            topic_name,
            name=topic_name,
            kms_master_key_id=key_arn,
            tags=naming.tags(),
            opts=child,
        )
        aws.sns.TopicPolicy(
            naming.name("payment-events-policy"),
            arn=self.topic.arn,
            policy=self.topic.arn.apply(
                lambda arn: json.dumps(deny_insecure_transport("sns", arn))
            ),
            opts=child,
        )
        self.register_outputs(
            {
                "ingestQueueUrl": self.ingest_queue.url,
                "deadLetterQueueUrl": self.dead_letter_queue.url,
                "topicArn": self.topic.arn,
            }
        )
