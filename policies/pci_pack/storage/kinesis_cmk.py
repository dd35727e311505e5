"""Kinesis data streams are encrypted server-side with a customer-managed KMS key."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy
from pci_pack.props import peek

TYPE = "aws:kinesis/stream:Stream"
FIX = "set encryption_type='KMS' and kms_key_id to a customer-managed key ARN"


def _enabled(args: ResourceValidationArgs) -> str | None:
    if peek(args.props, "encryptionType") != "KMS":
        return "has no server-side encryption (encryptionType is not 'KMS')"
    return None


POLICY = resource_policy(
    name="kinesis-stream-cmk-encryption",
    description="Kinesis streams must be encrypted with a customer-managed KMS key.",
    validate=cmk_validation(TYPE, "Kinesis stream", ("kmsKeyId",), FIX, _enabled),
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Enable encryption with a customer-managed key (set when it is created).",
    url="https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html",
    tags=["kinesis", "encryption"],
)
