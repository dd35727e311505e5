"""KMS keys keep a deletion waiting period inside the configured bounds.

A short window risks losing the only key that decrypts cardholder-adjacent data; AWS allows
7-30 days and defaults to 30 when the property is unset.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import get, label, matches, message, number, show

KEY = "aws:kms/key:Key"
AWS_DEFAULT_WINDOW = 30.0
CONFIG = {
    "minDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 7},
    "maxDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 30},
}


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, KEY):
        return
    low, high = setting(args, "minDays", CONFIG), setting(args, "maxDays", CONFIG)
    bounds = f"{show(low)}-{show(high)}"
    raw = get(args.props, "deletionWindowInDays")
    days = AWS_DEFAULT_WINDOW if raw is None else number(raw)
    if days is None or not low <= days <= high:
        report(
            message(
                f"KMS key {label(args.resource_type, args.name)}",
                f"has a deletion window of {show(raw)} days, outside {bounds}",
                f"set deletion_window_in_days between {show(low)} and {show(high)}",
            ),
            None,
        )


POLICY = resource_policy(
    name="kms-key-deletion-window",
    description="KMS key deletion windows must lie within the configured bounds (7-30 days).",
    validate=_validate,
    reference="3.6.1",
    severity=Severity.MEDIUM,
    remediation="Set deletion_window_in_days on the aws.kms.Key within the configured bounds.",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
    tags=["kms", "key-management"],
    config=CONFIG,
)
