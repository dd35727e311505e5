"""Fixture program: every feature the offline preview must capture.

An explicit provider, a KMS key and alias, a Lambda whose role is an Output, a secret config
value, protect / retainOnDelete / ignoreChanges / deleteBeforeReplace / dependsOn, a component
with children, provider calls, and config validation that stops the program.
"""

import json
import re

import pulumi
import pulumi_aws as aws
from fixture_parts import Pipeline

config = pulumi.Config()
suffix = config.require("suffix")
if not re.fullmatch(r"[a-z0-9-]{1,12}", suffix):
    raise ValueError(f"suffix {suffix!r}: use 1-12 lowercase letters, digits or hyphens")
tags = config.require_object("tags")
retention_days = config.require_int("retentionDays")

provider = aws.Provider("aws-us-east-1", region="us-east-1", default_tags={"tags": tags})
on_provider = pulumi.ResourceOptions(provider=provider)
identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(provider=provider))

key = aws.kms.Key(
    f"key-{suffix}",
    enable_key_rotation=True,
    deletion_window_in_days=7,
    policy=identity.account_id.apply(
        lambda account: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    }
                ],
            }
        )
    ),
    tags=tags,
    opts=on_provider.merge(pulumi.ResourceOptions(protect=True)),
)
# depends_on on the key duplicates the dependency target_key_id already implies.
aws.kms.Alias(
    f"alias-{suffix}",
    name=f"alias/fixture-{suffix}",
    target_key_id=key.key_id,
    opts=on_provider.merge(pulumi.ResourceOptions(depends_on=[key])),
)

api_token = config.get_secret("apiToken") or pulumi.Output.secret("UNSET:apiToken")
parameter = aws.ssm.Parameter(
    f"api-token-{suffix}",
    name=f"/fixture/{suffix}/api-token",
    type="SecureString",
    key_id=key.arn,
    value=api_token,
    tags=tags,
    opts=on_provider.merge(pulumi.ResourceOptions(ignore_changes=["value"])),
)

role = aws.iam.Role(
    f"role-{suffix}",
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
    tags=tags,
    opts=on_provider.merge(pulumi.ResourceOptions(retain_on_delete=True)),
)

pipeline = Pipeline(f"pipeline-{suffix}", tags, opts=on_provider)

log_group = aws.cloudwatch.LogGroup(
    f"log-group-{suffix}",
    name=f"/aws/lambda/fn-{suffix}",
    retention_in_days=retention_days,
    kms_key_id=key.arn,
    tags=tags,
    opts=on_provider,
)

function = aws.lambda_.Function(
    f"fn-{suffix}",
    name=f"fn-{suffix}",
    role=role.arn,
    runtime="python3.12",
    handler="app.handler",
    architectures=["arm64"],
    memory_size=1024,
    timeout=60,
    code=pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(e, c):\n    return e\n")}),
    kms_key_arn=key.arn,
    environment={
        "variables": {
            "QUEUE_URL": pipeline.queue.url,
            "REGION": region.region,
            "API_TOKEN_PARAM": parameter.name,
        }
    },
    tags=tags,
    opts=on_provider.merge(
        pulumi.ResourceOptions(depends_on=[log_group], delete_before_replace=True)
    ),
)

url = aws.lambda_.FunctionUrl(
    f"fn-url-{suffix}", function_name=function.name, authorization_type="NONE", opts=on_provider
)
aws.lambda_.EventSourceMapping(
    f"fn-events-{suffix}",
    event_source_arn=pipeline.queue.arn,
    function_name=function.arn,
    batch_size=10,
    function_response_types=["ReportBatchItemFailures"],
    opts=on_provider,
)

pulumi.export("functionUrl", url.function_url)
pulumi.export("queueUrl", pipeline.queue.url)
pulumi.export("apiToken", api_token)
