"""Key, queue and topic policies: the statements AWS needs, and nothing broader."""

from __future__ import annotations

import pytest

from pci_pack.documents import denies_insecure_transport
from stack.resource_policies import (
    alarm_topic_policy,
    deny_insecure_transport,
    key_policy,
)

POLICY = key_policy(
    account_id="123456789012",
    region="us-east-1",
    log_group_names=["/aws/lambda/webhook-receiver-dev", "/aws/lambda/webhook-processor-dev"],
    topic_arn="arn:aws:sns:us-east-1:123456789012:payment-events-dev",
)
SNS_TOPIC_ACTIONS = [
    "sns:AddPermission",
    "sns:DeleteTopic",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:Publish",
    "sns:RemovePermission",
    "sns:SetTopicAttributes",
    "sns:Subscribe",
]


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
def test_cloudwatch_may_use_the_key_to_publish_alarms_to_the_encrypted_topic() -> None:
    alarms = statement("CloudWatchAlarmsForAlertsTopic")
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(alarms["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
    # AWS's documented form: source conditions here could silently drop every notification.
    assert "Condition" not in alarms


def test_no_other_principals() -> None:
    assert len(POLICY["Statement"]) == 4


@pytest.mark.evidence("10.7.2")
def test_alerts_topic_is_tls_only_and_publishable_only_by_the_named_alarms() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:payment-alerts-dev"
    alarms = [
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:webhook-dlq-alarm-dev",
        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:webhook-receiver-errors-alarm-dev",
    ]
    deny, publish = alarm_topic_policy(
        topic_arn=topic, account_id="123456789012", alarm_arns=alarms
    )["Statement"]
    assert deny == deny_insecure_transport("sns", topic)["Statement"][0]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert (publish["Action"], publish["Resource"]) == ("sns:Publish", topic)
    # Exact ARNs, not a pattern: a pattern like *-dev would also admit stack "pr-dev"'s alarms.
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnEquals": {"aws:SourceArn": sorted(alarms)},
    }


def test_each_resource_policy_has_an_id() -> None:
    assert deny_insecure_transport("sns", "arn:x")["Id"] == "sns-tls-only"


@pytest.mark.evidence("4.2.1")
@pytest.mark.parametrize(
    ("service", "actions", "pack_requires"),
    [
        ("sqs", "sqs:*", "sqs:*"),
        # SNS rejects wildcard actions in topic policies: the topic actions, listed.
        ("sns", SNS_TOPIC_ACTIONS, "sns:Publish"),
    ],
)
def test_transport_policy_denies_without_tls(
    service: str, actions: object, pack_requires: str
) -> None:
    document = deny_insecure_transport(service, "arn:x")
    (deny,) = document["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Action"] == actions
    assert deny["Resource"] == "arn:x"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # ...and the policy pack's own rule accepts it.
    assert denies_insecure_transport(document, pack_requires)
