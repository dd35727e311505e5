"""The functions' IAM documents: exact actions and resources, no wildcard actions."""

from __future__ import annotations

import pytest

from stack import iam

ARNS = {
    iam.PARAMETERS: ["arn:aws:ssm:us-east-1:123456789012:parameter/payment-webhooks/dev/a"],
    iam.KEY: ["arn:aws:kms:us-east-1:123456789012:key/k"],
    iam.INGEST_QUEUE: ["arn:aws:sqs:us-east-1:123456789012:webhook-events-dev"],
    iam.DLQ: ["arn:aws:sqs:us-east-1:123456789012:webhook-dlq-dev"],
    iam.TABLE: ["arn:aws:dynamodb:us-east-1:123456789012:table/payment-transactions-dev"],
    iam.TOPIC: ["arn:aws:sns:us-east-1:123456789012:payment-events-dev"],
    iam.LOG_GROUP: ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*"],
}


def grants(function: str) -> dict[str, set[str]]:
    """action -> resources, over every statement of the function's policy."""
    found: dict[str, set[str]] = {}
    for statement in iam.function_policy(function, ARNS)["Statement"]:
        assert statement["Effect"] == "Allow"
        resources = statement["Resource"]
        for action in statement["Action"]:
            found.setdefault(action, set()).update(
                [resources] if isinstance(resources, str) else resources
            )
    return found


@pytest.mark.evidence("7.2.1", "7.2.2")
def test_receiver_grants_exactly_what_it_calls() -> None:
    assert grants(iam.RECEIVER) == {
        "ssm:GetParameter": set(ARNS[iam.PARAMETERS]),
        "sqs:SendMessage": set(ARNS[iam.INGEST_QUEUE] + ARNS[iam.DLQ]),
        "kms:Decrypt": set(ARNS[iam.KEY]),
        "kms:GenerateDataKey": set(ARNS[iam.KEY]),
        "logs:CreateLogStream": set(ARNS[iam.LOG_GROUP]),
        "logs:PutLogEvents": set(ARNS[iam.LOG_GROUP]),
        "xray:PutTraceSegments": {"*"},
        "xray:PutTelemetryRecords": {"*"},
    }


@pytest.mark.evidence("7.2.1", "7.2.2")
def test_processor_grants_exactly_what_it_calls() -> None:
    assert grants(iam.PROCESSOR) == {
        "sqs:ReceiveMessage": set(ARNS[iam.INGEST_QUEUE]),
        "sqs:DeleteMessage": set(ARNS[iam.INGEST_QUEUE]),
        "sqs:GetQueueAttributes": set(ARNS[iam.INGEST_QUEUE]),
        "sqs:SendMessage": set(ARNS[iam.DLQ]),
        "dynamodb:PutItem": set(ARNS[iam.TABLE]),
        "dynamodb:UpdateItem": set(ARNS[iam.TABLE]),
        "sns:Publish": set(ARNS[iam.TOPIC]),
        "kms:Decrypt": set(ARNS[iam.KEY]),
        "kms:GenerateDataKey": set(ARNS[iam.KEY]),
        "logs:CreateLogStream": set(ARNS[iam.LOG_GROUP]),
        "logs:PutLogEvents": set(ARNS[iam.LOG_GROUP]),
        "xray:PutTraceSegments": {"*"},
        "xray:PutTelemetryRecords": {"*"},
    }


@pytest.mark.evidence("7.2.2")
@pytest.mark.parametrize("function", sorted(iam.FUNCTION_GRANTS))
def test_no_wildcard_actions_and_star_resources_only_where_aws_requires(function: str) -> None:
    for action, resources in grants(function).items():
        service, _, name = action.partition(":")
        assert "*" not in name, action
        assert service != "*", action
        if "*" in resources:
            assert action in iam.STAR_RESOURCE_ACTIONS, action
            assert resources == {"*"}


def test_missing_resource_arns_fail_loudly_instead_of_widening() -> None:
    partial = {k: v for k, v in ARNS.items() if k != iam.TABLE}
    with pytest.raises(KeyError, match="no ARNs supplied for 'table'"):
        iam.function_policy(iam.PROCESSOR, partial)


def test_only_lambda_can_assume_function_roles() -> None:
    (statement,) = iam.lambda_assume_role_policy()["Statement"]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"


def test_log_group_arn_covers_its_streams() -> None:
    assert (
        iam.log_group_arn("us-east-1", "123456789012", "/aws/lambda/f")
        == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"
    )
