"""A Postgres instance with its password from config, as a secret."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
aws.rds.Instance(
    "db",
    engine="postgres",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="app",
    password=config.require_secret("dbPassword"),
    skip_final_snapshot=True,
)
