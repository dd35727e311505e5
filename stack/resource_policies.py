"""Resource policies (KMS key policy, queue and topic policies) as pure functions.

ARNs are built from names rather than taken from resources where a resource would otherwise
depend on itself (the key policy names log groups that are themselves encrypted with the key).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from stack.iam import PolicyDocument
from stack.naming import arn

_VERSION: Final = "2012-10-17"
# What a TLS-deny statement covers. SQS accepts "sqs:*"; SNS topic policies accept only
# explicit topic actions (a wildcard fails the deploy), as in AWS's own SNS example.
TLS_DENIED_ACTIONS: Final[dict[str, str | list[str]]] = {
    "sqs": "sqs:*",
    "sns": [
        "sns:AddPermission",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:Publish",
        "sns:RemovePermission",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
    ],
}


def key_policy(
    *,
    account_id: str,
    region: str,
    log_group_names: Sequence[str],
    topic_arn: str,
    partition: str = "aws",
) -> PolicyDocument:
    """The CMK's key policy.

    - The account administers the key and delegates use to IAM (the AWS default statement):
      function roles get only the key actions their inline policies grant.
    - CloudWatch Logs may use it only for this stack's log groups (encryption-context
      condition), which AWS requires before a log group can be created with a CMK.
    - SNS may use it only for this stack's topic, so the topic can deliver to subscriber queues
      encrypted with the same key.
    - CloudWatch may use it to publish alarm notifications to the encrypted alerts topic
      (without it they are silently dropped). As in AWS's documented example this statement
      has no source conditions, since CloudWatch's KMS requests are not documented to carry
      them; which alarms may publish is decided by the alerts topic's policy.
    """
    root = f"arn:{partition}:iam::{account_id}:root"
    log_group_arns = sorted(
        arn("logs", region, account_id, f"log-group:{name}", partition) for name in log_group_names
    )
    return {
        "Version": _VERSION,
        "Statement": [
            {
                "Sid": "AccountAdministersKey",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsForStackLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": [
                    "kms:Decrypt",
                    "kms:Describe*",
                    "kms:Encrypt",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arns}},
            },
            {
                "Sid": "SnsForStackTopic",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            },
            {
                "Sid": "CloudWatchAlarmsForAlertsTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
            },
        ],
    }


def _deny_insecure_transport_statement(service: str, resource_arn: str) -> dict[str, object]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": TLS_DENIED_ACTIONS[service],
        "Resource": resource_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def deny_insecure_transport(service: str, resource_arn: str) -> PolicyDocument:
    """A resource policy that refuses any request not made over TLS (PCI DSS 4.2.1)."""
    return {
        "Version": _VERSION,
        "Id": f"{service}-tls-only",
        "Statement": [_deny_insecure_transport_statement(service, resource_arn)],
    }


def alarm_topic_policy(
    *, topic_arn: str, account_id: str, alarm_arns: Sequence[str]
) -> PolicyDocument:
    """The alerts topic: TLS only, and only these CloudWatch alarms (this stack's) may publish."""
    return {
        "Version": _VERSION,
        "Id": "sns-alerts-tls-only",
        "Statement": [
            _deny_insecure_transport_statement("sns", topic_arn),
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnEquals": {"aws:SourceArn": sorted(alarm_arns)},
                },
            },
        ],
    }
