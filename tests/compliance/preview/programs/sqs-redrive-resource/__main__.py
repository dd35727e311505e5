"""A queue consumed by a Lambda, its redrive set with the separate `aws.sqs.RedrivePolicy`
resource (as the provider's docs suggest when the DLQ also allows the source queue back)."""

import json

import pulumi
import pulumi_aws as aws

key = aws.kms.Key("queues", enable_key_rotation=True, deletion_window_in_days=30)
dlq = aws.sqs.Queue("orders-dlq", kms_master_key_id=key.arn, message_retention_seconds=1209600)
orders = aws.sqs.Queue("orders", kms_master_key_id=key.arn, visibility_timeout_seconds=180)
aws.sqs.RedrivePolicy(
    "orders",
    queue_url=orders.id,
    redrive_policy=dlq.arn.apply(
        lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 6})
    ),
)
aws.sqs.RedriveAllowPolicy(
    "orders-dlq",
    queue_url=dlq.id,
    redrive_allow_policy=orders.arn.apply(
        lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
    ),
)
role = aws.iam.Role(
    "consumer",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
    managed_policy_arns=["arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"],
)
consumer = aws.lambda_.Function(
    "consumer",
    role=role.arn,
    runtime="python3.12",
    handler="app.handler",
    architectures=["arm64"],
    timeout=30,
    code=pulumi.AssetArchive({}),
)
aws.lambda_.EventSourceMapping(
    "orders-to-consumer",
    event_source_arn=orders.arn,
    function_name=consumer.name,
    batch_size=10,
    scaling_config={"maximum_concurrency": 5},
)
