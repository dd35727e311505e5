"""A state machine invoking a Lambda function, its role trusting states.amazonaws.com."""

import json

import pulumi
import pulumi_aws as aws

trust = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["states.amazonaws.com"]}],
        }
    ]
)
role = aws.iam.Role("sfn-role", assume_role_policy=trust.json)
fn_role = aws.iam.Role("fn-role", assume_role_policy=trust.json)
fn = aws.lambda_.Function(
    "step", role=fn_role.arn, runtime="python3.12", handler="a.h", code=pulumi.AssetArchive({})
)
aws.sfn.StateMachine(
    "flow",
    role_arn=role.arn,
    definition=fn.arn.apply(
        lambda arn: json.dumps(
            {"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": arn, "End": True}}}
        )
    ),
)
