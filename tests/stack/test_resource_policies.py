"""Key, queue and topic policies: the statements AWS needs, and nothing broader."""

from __future__ import annotations

import pytest

from stack.resource_policies import (
    TLS_DENIED_ACTIONS,
    alarm_topic_policy,
    deny_insecure_transport,
    key_policy,
)

POLICY = key_policy(
    account_id="123456789012",
    region="us-east-1",
    log_group_names=["/aws/lambda/webhook-receiver-dev", "/aws/lambda/webhook-processor-dev"],
    topic_arn="arn:aws:sns:us-east-1:123456789012:payment-events-dev",
    alarm_arn_pattern="arn:aws:cloudwatch:us-east-1:123456789012:alarm:*-dev",
)
FROM_STACK_ALARMS = {
    "StringEquals": {"aws:SourceAccount": "123456789012"},
    "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*-dev"},
}


def statement(sid: str) -> dict:
    (found,) = [s for s in POLICY["Statement"] if s["Sid"] == sid]
    return found


def test_account_administers_the_key() -> None:
    admin = statement("AccountAdministersKey")
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


@pytest.mark.evidence("3.5.1", "10.3.2")
def test_logs_may_use_the_key_only_for_this_stacks_log_groups() -> None:
    logs = statement("CloudWatchLogsForStackLogGroups")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": [
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/webhook-processor-dev",
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/webhook-receiver-dev",
            ]
        }
    }


def test_sns_may_use_the_key_only_for_the_stack_topic() -> None:
    sns = statement("SnsForStackTopic")
    assert sns["Principal"] == {"Service": "sns.amazonaws.com"}
    assert sns["Condition"]["ArnEquals"]["aws:SourceArn"].endswith(":payment-events-dev")
    assert set(sns["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}


@pytest.mark.evidence("10.7.2")
def test_cloudwatch_may_use_the_key_only_for_this_stacks_alarms() -> None:
    alarms = statement("CloudWatchAlarmsForAlertsTopic")
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(alarms["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert alarms["Condition"] == FROM_STACK_ALARMS


def test_no_other_principals() -> None:
    assert len(POLICY["Statement"]) == 4


def test_alerts_topic_is_tls_only_and_publishable_only_by_stack_alarms() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:payment-alerts-dev"
    deny, publish = alarm_topic_policy(
        topic_arn=topic,
        account_id="123456789012",
        alarm_arn_pattern="arn:aws:cloudwatch:us-east-1:123456789012:alarm:*-dev",
    )["Statement"]
    assert deny == deny_insecure_transport("sns", topic)["Statement"][0]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert (publish["Action"], publish["Resource"]) == ("sns:Publish", topic)
    assert publish["Condition"] == FROM_STACK_ALARMS


def test_sns_deny_lists_topic_actions_because_sns_rejects_wildcards() -> None:
    actions = TLS_DENIED_ACTIONS["sns"]
    assert isinstance(actions, list)
    assert "sns:Publish" in actions
    assert "sns:Subscribe" in actions
    assert not [a for a in actions if "*" in a]
    assert TLS_DENIED_ACTIONS["sqs"] == "sqs:*"


def test_each_resource_policy_has_an_id() -> None:
    assert deny_insecure_transport("sns", "arn:x")["Id"] == "sns-tls-only"


@pytest.mark.evidence("4.2.1")
@pytest.mark.parametrize("service", ["sqs", "sns"])
def test_transport_policy_denies_everything_without_tls(service: str) -> None:
    (deny,) = deny_insecure_transport(service, "arn:x")["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Action"] == TLS_DENIED_ACTIONS[service]
    assert deny["Resource"] == "arn:x"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
