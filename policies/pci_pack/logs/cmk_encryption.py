"""CloudWatch log groups encrypt log data with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FIX = (
    "set kms_key_id to the stack's CMK ARN (its key policy must allow logs.<region>.amazonaws.com)"
)


POLICY = resource_policy(
    name="cloudwatch-log-group-cmk-encryption",
    description="CloudWatch log groups must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(LOG_GROUP, "Log group", ("kmsKeyId",), FIX),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Set kms_key_id on the log group; allow CloudWatch Logs in the key policy.",
    url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    tags=["logs", "encryption"],
)
