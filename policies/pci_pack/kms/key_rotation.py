"""KMS keys rotate their key material yearly (a defined cryptoperiod)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get
from pci_pack.rule import Finding, resource_check

KEY = "aws:kms/key:Key"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    if get(args.props, "enableKeyRotation") is not True:
        yield "does not rotate its key material", "set enable_key_rotation=True"


POLICY = resource_policy(
    name="kms-key-rotation-enabled",
    description="Customer-managed KMS keys must have automatic key rotation enabled.",
    validate=resource_check("KMS key", (KEY,), _check),
    reference="3.7.4",
    severity=Severity.HIGH,
    remediation="Set enable_key_rotation=True on the aws.kms.Key (yearly rotation by default).",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    tags=["kms", "encryption", "key-management"],
)
