"""DynamoDB tables bill on demand, so a webhook burst is never throttled into the DLQ.

Provisioned capacity can be right for steady traffic; that is a judgement, hence advisory.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get, label, matches, message

TABLE = "aws:dynamodb/table:Table"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, TABLE):
        return
    mode = get(args.props, "billingMode")
    if mode != "PAY_PER_REQUEST":
        report(
            message(
                f"DynamoDB table {label(args.resource_type, args.name)}",
                f"uses billing mode {mode or 'PROVISIONED (default)'!r}",
                "set billing_mode='PAY_PER_REQUEST'",
            ),
            None,
        )


POLICY = resource_policy(
    name="dynamodb-table-on-demand-billing",
    description="DynamoDB tables should use on-demand (PAY_PER_REQUEST) billing.",
    validate=_validate,
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Set billing_mode='PAY_PER_REQUEST' (or size provisioned capacity + autoscaling).",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/capacity-mode.html",
    tags=["dynamodb", "availability"],
    enforcement=EnforcementLevel.ADVISORY,
)
