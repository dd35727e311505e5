"""KMS keys rotate their key material yearly (a defined cryptoperiod)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get, label, matches, message

KEY = "aws:kms/key:Key"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, KEY):
        return
    if get(args.props, "enableKeyRotation") is not True:
        report(
            message(
                f"KMS key {label(args.resource_type, args.name)}",
                "does not rotate its key material",
                "set enable_key_rotation=True",
            ),
            None,
        )


POLICY = resource_policy(
    name="kms-key-rotation-enabled",
    description="Customer-managed KMS keys must have automatic key rotation enabled.",
    validate=_validate,
    reference="3.7.4",
    severity=Severity.HIGH,
    remediation="Set enable_key_rotation=True on the aws.kms.Key (yearly rotation by default).",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    tags=["kms", "encryption", "key-management"],
)
