"""DynamoDB tables keep point-in-time recovery on (35 days of restorable transaction history)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get
from pci_pack.rule import Finding, resource_check

TABLE = "aws:dynamodb/table:Table"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    if get(args.props, "pointInTimeRecovery", "enabled") is not True:
        yield "has point-in-time recovery off", "set point_in_time_recovery={'enabled': True}"


POLICY = resource_policy(
    name="dynamodb-table-pitr-enabled",
    description="DynamoDB tables must have point-in-time recovery enabled.",
    validate=resource_check("DynamoDB table", (TABLE,), _check),
    reference="10.3.3",
    severity=Severity.HIGH,
    remediation="Enable point_in_time_recovery on the table.",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html",
    tags=["dynamodb", "backup"],
)
