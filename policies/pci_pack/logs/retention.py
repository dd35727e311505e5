"""Log groups keep exactly the configured hot-tier retention (default 30 days).

PCI DSS 10.5.1 asks for 12 months of audit log history with the latest three months immediately
available. This rule covers only the CloudWatch hot tier: the configured days are what is kept
in CloudWatch; the 12-month archive must be provided elsewhere (an export/archive tier) and is
not something this rule can see. "Never expire" fails too: unbounded retention of payment
metadata is a data-retention decision, not a default.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import get, number, show
from pci_pack.rule import Finding, resource_check

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
CONFIG = {"logRetentionDays": {"type": "integer", "minimum": 1, "default": 30}}


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    days = show(setting(args, "logRetentionDays", CONFIG))
    raw = get(args.props, "retentionInDays")
    if number(raw) != number(days):
        shown = "never expire (unset)" if raw is None else f"{show(raw)} days"
        yield (
            f"retains logs for {shown}, not the configured {days} days",
            f"set retention_in_days={days} (hot tier; archive for 12 months elsewhere)",
        )


POLICY = resource_policy(
    name="cloudwatch-log-group-retention",
    description=(
        "Log groups must retain logs for the configured days (default 30): the hot tier of "
        "PCI DSS 10.5.1 only; the 12-month history needs an archive tier."
    ),
    validate=resource_check("Log group", (LOG_GROUP,), _check),
    reference="10.5.1",
    severity=Severity.MEDIUM,
    remediation="Set retention_in_days to the configured value and archive logs for 12 months.",
    url="https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
    tags=["logs", "retention"],
    config=CONFIG,
)
