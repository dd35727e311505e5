"""Nothing named explicitly; one topic named from a value unknown at preview time."""

import pulumi_aws as aws

topic = aws.sns.Topic("alerts")
queue = aws.sqs.Queue("jobs")
suffix = aws.s3.Bucket("unnamed-bucket").id  # unknown in a first preview
aws.sns.Topic("named-from-unknown", name=suffix.apply(lambda s: f"topic-{s}"))
aws.cloudwatch.MetricAlarm(
    "depth",
    comparison_operator="GreaterThanThreshold",
    evaluation_periods=1,
    metric_name="ApproximateNumberOfMessagesVisible",
    namespace="AWS/SQS",
    period=60,
    statistic="Maximum",
    threshold=100,
    alarm_actions=[topic.arn],
)
