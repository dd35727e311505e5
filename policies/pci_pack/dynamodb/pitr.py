"""DynamoDB tables keep point-in-time recovery on (35 days of restorable transaction history)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get, label, matches, message

TABLE = "aws:dynamodb/table:Table"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, TABLE):
        return
    if get(args.props, "pointInTimeRecovery", "enabled") is not True:
        report(
            message(
                f"DynamoDB table {label(args.resource_type, args.name)}",
                "has point-in-time recovery off",
                "set point_in_time_recovery={'enabled': True}",
            ),
            None,
        )


POLICY = resource_policy(
    name="dynamodb-table-pitr-enabled",
    description="DynamoDB tables must have point-in-time recovery enabled.",
    validate=_validate,
    reference="10.3.3",
    severity=Severity.HIGH,
    remediation="Enable point_in_time_recovery on the table.",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html",
    tags=["dynamodb", "backup"],
)
