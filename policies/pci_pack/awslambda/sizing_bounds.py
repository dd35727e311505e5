"""Lambda memory and timeout stay within the configured bounds.

Too little memory starves signature verification of CPU; a long timeout stretches SQS
redelivery (the queue's visibility timeout must be 6x the function timeout). Sizing is a
judgement call, hence advisory. The default bounds are the ones AWS Lambda (and the stack's own
config validation) accept; a platform narrows them in its pack config.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy, setting
from pci_pack.props import get, number, show
from pci_pack.rule import Finding, resource_check

FUNCTION = "aws:lambda/function:Function"
# AWS defaults when the property is unset.
DEFAULT_MEMORY_MB = 128.0
DEFAULT_TIMEOUT_S = 3.0
CONFIG = {
    "minMemoryMb": {"type": "integer", "minimum": 128, "maximum": 10240, "default": 128},
    "maxMemoryMb": {"type": "integer", "minimum": 128, "maximum": 10240, "default": 10240},
    "minTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 900, "default": 1},
    "maxTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 900, "default": 900},
}


def _bound(
    value: object, default: float, bounds: tuple[float, float], what: str, arg: str
) -> Finding | None:
    amount = default if value is None else number(value)
    low, high = (show(b) for b in bounds)
    if amount is not None and bounds[0] <= amount <= bounds[1]:
        return None
    shown = f"{show(default)} (AWS default)" if value is None else show(value)
    return f"{what} is {shown}, outside {low}-{high}", f"set {arg} between {low} and {high}"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    checks = (
        _bound(
            get(args.props, "memorySize"),
            DEFAULT_MEMORY_MB,
            (setting(args, "minMemoryMb", CONFIG), setting(args, "maxMemoryMb", CONFIG)),
            "memory (MB)",
            "memory_size",
        ),
        _bound(
            get(args.props, "timeout"),
            DEFAULT_TIMEOUT_S,
            (
                setting(args, "minTimeoutSeconds", CONFIG),
                setting(args, "maxTimeoutSeconds", CONFIG),
            ),
            "timeout (s)",
            "timeout",
        ),
    )
    yield from (found for found in checks if found)


POLICY = resource_policy(
    name="lambda-function-sizing-bounds",
    description="Lambda memory size and timeout must lie within the configured bounds.",
    validate=resource_check("Lambda function", (FUNCTION,), _check),
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Set memory_size and timeout within the configured bounds.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
    tags=["lambda", "configuration-standard"],
    enforcement=EnforcementLevel.ADVISORY,
    rule_set=RuleSet.PLATFORM,
    config=CONFIG,
)
