"""KMS keys keep a deletion waiting period inside the configured bounds.

A short window risks losing the only key that decrypts cardholder-adjacent data; AWS allows
7-30 days and defaults to 30 when the property is unset.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import get, number, show
from pci_pack.rule import Finding, resource_check

KEY = "aws:kms/key:Key"
AWS_DEFAULT_WINDOW = 30.0
CONFIG = {
    "minDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 7},
    "maxDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 30},
}


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    low, high = setting(args, "minDays", CONFIG), setting(args, "maxDays", CONFIG)
    bounds = f"{show(low)}-{show(high)}"
    raw = get(args.props, "deletionWindowInDays")
    days = AWS_DEFAULT_WINDOW if raw is None else number(raw)
    if days is None or not low <= days <= high:
        yield (
            f"has a deletion window of {show(raw)} days, outside {bounds}",
            f"set deletion_window_in_days between {show(low)} and {show(high)}",
        )


POLICY = resource_policy(
    name="kms-key-deletion-window",
    description="KMS key deletion windows must lie within the configured bounds (7-30 days).",
    validate=resource_check("KMS key", (KEY,), _check),
    reference="3.6.1",
    severity=Severity.MEDIUM,
    remediation="Set deletion_window_in_days on the aws.kms.Key within the configured bounds.",
    url="https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
    tags=["kms", "key-management"],
    config=CONFIG,
)
