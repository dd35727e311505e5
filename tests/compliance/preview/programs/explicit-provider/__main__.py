"""Resources in a second region through an explicit provider, caller identity in an ARN."""

import pulumi
import pulumi_aws as aws

west = aws.Provider("west", region="us-west-2")
me = aws.get_caller_identity()
part = aws.get_partition()
here = aws.get_region()
aws.sqs.Queue("replica", opts=pulumi.ResourceOptions(provider=west))
aws.sns.Topic("local", display_name=f"{here.region} {part.partition} {me.account_id}")
