"""Make moto's IAM check behave like AWS for the calls these functions make.

moto 5.2.5 authorises every request as ``<signing name>:<operation>`` on a resource that only
its SQS, IAM, STS and S3 handlers determine; every other service is checked against ``"*"``,
so a policy scoped to one table or topic could never be told apart from a wildcard. Two fixes,
both from the AWS documentation:

- resource ARNs for DynamoDB, SNS, SSM, KMS and CloudWatch Logs requests, as IAM sees them;
- action names where the API operation is authorised through another IAM action:
  PublishBatch needs ``sns:Publish`` (SNS API reference, PublishBatch), and the X-Ray
  endpoints moto names by URL path (``TraceSegments``) are ``xray:PutTraceSegments`` /
  ``xray:PutTelemetryRecords``.
"""

from __future__ import annotations

from typing import Any

import pytest
from moto.dynamodb.responses import DynamoHandler
from moto.iam.access_control import IAMRequest
from moto.kms.responses import KmsResponse
from moto.logs.responses import LogsResponse
from moto.sns.responses import SNSResponse
from moto.ssm.responses import SimpleSystemManagerResponse

ACTION_ALIASES = {
    "sns:PublishBatch": "sns:Publish",
    "xray:TraceSegments": "xray:PutTraceSegments",
    "xray:TelemetryRecords": "xray:PutTelemetryRecords",
}


def _arn(response: Any, service: str, resource: str) -> str:
    return f"arn:aws:{service}:{response.region}:{response.current_account}:{resource}"


def _dynamodb(self: Any) -> str:
    table = self._get_param("TableName")
    return _arn(self, "dynamodb", f"table/{table}") if table else "*"


def _sns(self: Any) -> str:
    return self._get_param("TopicArn") or "*"


def _ssm(self: Any) -> str:
    name = self._get_param("Name")
    return _arn(self, "ssm", f"parameter{name}") if name else "*"


def _kms(self: Any) -> str:
    key = self._get_param("KeyId")
    if not key:
        return "*"
    return key if key.startswith("arn:") else _arn(self, "kms", f"key/{key}")


def _logs(self: Any) -> str:
    group, stream = self._get_param("logGroupName"), self._get_param("logStreamName")
    if not group:
        return "*"
    return _arn(self, "logs", f"log-group:{group}" + (f":log-stream:{stream}" if stream else ""))


def patch_moto_iam(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply both fixes until ``monkeypatch`` is undone (test_least_privilege passes its
    module-scoped one, so they last for that module)."""
    for response_class, determine in [
        (DynamoHandler, _dynamodb),
        (SNSResponse, _sns),
        (SimpleSystemManagerResponse, _ssm),
        (KmsResponse, _kms),
        (LogsResponse, _logs),
    ]:
        monkeypatch.setattr(response_class, "_determine_resource", determine, raising=False)
    original_init = IAMRequest.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._action = ACTION_ALIASES.get(self._action, self._action)

    monkeypatch.setattr(IAMRequest, "__init__", init)
