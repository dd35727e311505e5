"""Lambda functions reserve the configured concurrency.

Reserving caps how hard a webhook burst can hit DynamoDB/SNS and guarantees the function capacity
in a shared account. AWS keeps 100 unreserved executions per account, so two functions at 100
need an account limit of at least 300: the value belongs to the user, hence advisory.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import get, label, matches, message, number, show

FUNCTION = "aws:lambda/function:Function"
CONFIG = {"reservedConcurrency": {"type": "integer", "minimum": 1, "default": 100}}


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    wanted = show(setting(args, "reservedConcurrency", CONFIG))
    raw = get(args.props, "reservedConcurrentExecutions")
    if number(raw) != number(wanted):
        shown = "unreserved (-1)" if raw is None else show(raw)
        report(
            message(
                f"Lambda function {label(args.resource_type, args.name)}",
                f"reserves concurrency {shown}, not the configured {wanted}",
                f"set reserved_concurrent_executions={wanted}",
            ),
            None,
        )


POLICY = resource_policy(
    name="lambda-function-reserved-concurrency",
    description="Lambda functions must reserve the configured concurrency (default 100).",
    validate=_validate,
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Set reserved_concurrent_executions to the configured value (mind account limits).",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    tags=["lambda", "availability"],
    enforcement=EnforcementLevel.ADVISORY,
    config=CONFIG,
)
