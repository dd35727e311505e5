"""DynamoDB tables bill on demand, so a webhook burst is never throttled into the DLQ.

Provisioned capacity can be right for steady traffic; that is a judgement, hence advisory.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy
from pci_pack.props import get
from pci_pack.rule import Finding, resource_check

TABLE = "aws:dynamodb/table:Table"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    mode = get(args.props, "billingMode")
    if mode != "PAY_PER_REQUEST":
        yield (
            f"uses billing mode {mode or 'PROVISIONED (default)'!r}",
            "set billing_mode='PAY_PER_REQUEST'",
        )


POLICY = resource_policy(
    name="dynamodb-table-on-demand-billing",
    description="DynamoDB tables must use on-demand (PAY_PER_REQUEST) billing.",
    validate=resource_check("DynamoDB table", (TABLE,), _check),
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Set billing_mode='PAY_PER_REQUEST' (or size provisioned capacity + autoscaling).",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/capacity-mode.html",
    tags=["dynamodb", "availability"],
    rule_set=RuleSet.PLATFORM,
)
