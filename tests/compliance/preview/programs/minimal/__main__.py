"""Fixture program: a resource on the default provider, a warning, an optional unmocked call."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
pulumi.log.warn("minimal fixture: no explicit provider")
aws.s3.Bucket("bucket", tags={"Owner": "payments"})
if config.get_bool("callUnmocked"):
    pulumi.runtime.invoke("example:index/getThing:getThing", {})
if config.get_bool("callAws"):
    aws.ec2.get_ami(most_recent=True, owners=["amazon"])
if config.get_bool("logError"):
    pulumi.log.error("minimal fixture: an error logged without raising")
