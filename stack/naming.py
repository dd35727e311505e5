"""Names and tags, in one place.

Every physical name is ``<resource-type>-<suffix>``; the AWS length limit of each name decides
how long the environment suffix may be, so a valid suffix can never produce a name AWS rejects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

REGION: Final = "us-east-1"
PROJECT: Final = "payment-webhooks"

# Resource types whose names carry the suffix, with the AWS limit on the *whole* name.
NAME_LIMITS: Final[Mapping[str, int]] = {
    "payment-transactions": 255,  # DynamoDB table
    "payment-events": 256,  # SNS topic
    "payment-alerts": 256,  # SNS topic
    "webhook-dlq-alarm": 255,  # CloudWatch alarm
    "webhook-receiver-errors-alarm": 255,  # CloudWatch alarm
    "webhook-processor-errors-alarm": 255,  # CloudWatch alarm
    "webhook-receiver-throttles-alarm": 255,  # CloudWatch alarm
    "webhook-processor-throttles-alarm": 255,  # CloudWatch alarm
    "webhook-signature-rejections-alarm": 255,  # CloudWatch alarm
    "webhook-failed-closed-alarm": 255,  # CloudWatch alarm
    "webhook-enqueue-failures-alarm": 255,  # CloudWatch alarm
    "webhook-ingest-age-alarm": 255,  # CloudWatch alarm
    "payment-webhooks-dashboard": 255,  # CloudWatch dashboard
    "payment-webhooks": 255,  # CloudWatch metrics namespace
    "webhook-events": 80,  # SQS queue
    "webhook-dlq": 80,  # SQS queue
    "webhook-receiver": 64,  # Lambda function
    "webhook-processor": 64,  # Lambda function
    "webhook-receiver-role": 64,  # IAM role
    "webhook-processor-role": 64,  # IAM role
    "webhook-receiver-policy": 128,  # IAM inline policy
    "webhook-processor-policy": 128,  # IAM inline policy
    "payment-webhooks-key": 256,  # KMS alias (after "alias/")
}
# The longest derived name that is not `<type>-<suffix>`: the log group of the longest function.
_LOG_GROUP_PREFIX: Final = "/aws/lambda/"
_LOG_GROUP_LIMIT: Final = 512

REQUIRED_TAGS: Final = ("Environment", "CostCenter", "Owner")


def arn(service: str, region: str, account_id: str, resource: str, partition: str = "aws") -> str:
    """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
    return f"arn:{partition}:{service}:{region}:{account_id}:{resource}"


def max_suffix_length() -> int:
    """The longest suffix for which every derived name fits its AWS limit."""
    by_name = (limit - len(prefix) - 1 for prefix, limit in NAME_LIMITS.items())
    by_log_group = (
        _LOG_GROUP_LIMIT - len(_LOG_GROUP_PREFIX) - len(fn) - 1
        for fn in ("webhook-receiver", "webhook-processor")
    )
    return min(*by_name, *by_log_group)


@dataclass(frozen=True)
class Naming:
    """Derives every name and tag set of one stack from its suffix and required tag values."""

    suffix: str
    environment: str
    cost_center: str
    owner: str

    def name(self, resource_type: str) -> str:
        """``<resource-type>-<suffix>``, the one naming rule of the project."""
        return f"{resource_type}-{self.suffix}"

    def log_group(self, function_type: str) -> str:
        """The log group Lambda would write to for the function of this type."""
        return f"{_LOG_GROUP_PREFIX}{self.name(function_type)}"

    def alarm_arn(self, region: str, account_id: str, alarm_type: str) -> str:
        """The ARN of this stack's alarm of that type (alarm names are fixed, so exact)."""
        return arn("cloudwatch", region, account_id, f"alarm:{self.name(alarm_type)}")

    @property
    def metrics_namespace(self) -> str:
        """The CloudWatch namespace of this stack's own metrics: two stacks never mix."""
        return self.name(PROJECT)

    def parameter(self, provider: str, value: str) -> str:
        """The SSM parameter path of one provider's signing value."""
        return f"/{PROJECT}/{self.suffix}/{provider}/{value}"

    def tags(self, **extra: str) -> dict[str, str]:
        """The required tags plus resource-specific ones, which cannot override them."""
        return {
            **extra,
            "Environment": self.environment,
            "CostCenter": self.cost_center,
            "Owner": self.owner,
        }
