"""Key, queue and topic policies: the statements AWS needs, and nothing broader."""

from __future__ import annotations

import pytest

from stack.resource_policies import deny_insecure_transport, key_policy

POLICY = key_policy(
    account_id="123456789012",
    region="us-east-1",
    log_group_names=["/aws/lambda/webhook-receiver-dev", "/aws/lambda/webhook-processor-dev"],
    topic_arn="arn:aws:sns:us-east-1:123456789012:payment-events-dev",
)


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


def test_no_other_principals() -> None:
    assert len(POLICY["Statement"]) == 3


@pytest.mark.evidence("4.2.1")
@pytest.mark.parametrize("service", ["sqs", "sns"])
def test_transport_policy_denies_everything_without_tls(service: str) -> None:
    (deny,) = deny_insecure_transport(service, "arn:x")["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Action"] == f"{service}:*"
    assert deny["Resource"] == "arn:x"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
