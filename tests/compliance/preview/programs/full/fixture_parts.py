"""A component with children, as the real stack builds them."""

import json

import pulumi
import pulumi_aws as aws


class Pipeline(pulumi.ComponentResource):
    def __init__(self, name: str, tags: dict, opts: pulumi.ResourceOptions) -> None:
        super().__init__("fixture:app:Pipeline", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.dlq = aws.sqs.Queue(
            f"{name}-dlq", message_retention_seconds=1209600, tags=tags, opts=child
        )
        self.queue = aws.sqs.Queue(
            f"{name}-queue",
            redrive_policy=self.dlq.arn.apply(
                lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 6})
            ),
            tags=tags,
            opts=child,
        )
        aws.sqs.QueuePolicy(
            f"{name}-queue-policy",
            queue_url=self.queue.id,
            policy=self.queue.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "sqs:*",
                                "Resource": arn,
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )
        self.register_outputs({"queueUrl": self.queue.url})
