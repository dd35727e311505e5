"""Lambda functions reserve the configured concurrency.

Reserving caps how hard a webhook burst can hit DynamoDB/SNS and guarantees the function capacity
in a shared account. AWS keeps 100 unreserved executions per account, so two functions at 100
need an account limit of at least 300: the value belongs to the user, hence advisory.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy, setting
from pci_pack.props import get, number, show
from pci_pack.rule import Finding, resource_check

FUNCTION = "aws:lambda/function:Function"
CONFIG = {"reservedConcurrency": {"type": "integer", "minimum": 1, "default": 100}}


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    wanted = show(setting(args, "reservedConcurrency", CONFIG))
    raw = get(args.props, "reservedConcurrentExecutions")
    if number(raw) != number(wanted):
        shown = "unreserved (-1)" if raw is None else show(raw)
        yield (
            f"reserves concurrency {shown}, not the configured {wanted}",
            f"set reserved_concurrent_executions={wanted}",
        )


POLICY = resource_policy(
    name="lambda-function-reserved-concurrency",
    description="Lambda functions must reserve the configured concurrency (default 100).",
    validate=resource_check("Lambda function", (FUNCTION,), _check),
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Set reserved_concurrent_executions to the configured value (mind account limits).",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
    tags=["lambda", "availability"],
    rule_set=RuleSet.PLATFORM,
    config=CONFIG,
)
