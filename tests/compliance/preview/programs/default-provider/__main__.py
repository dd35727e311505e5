"""No explicit provider: the region comes from `aws:region` in the stack config, as in
`pulumi new aws-python`."""

import pulumi
import pulumi_aws as aws

here = aws.get_region()
events = aws.sqs.Queue("events", tags={"Owner": "payments"})
aws.sns.Topic("alerts", display_name=f"alerts in {here.region}")
pulumi.export("queue_url", events.url)
