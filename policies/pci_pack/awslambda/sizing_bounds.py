"""Lambda memory and timeout stay within the configured bounds.

Too little memory starves signature verification of CPU; a long timeout stretches SQS
redelivery (the queue's visibility timeout must be 6x the function timeout). Sizing is a
judgement call, hence advisory with user-owned bounds.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import get, label, matches, message, number, show

FUNCTION = "aws:lambda/function:Function"
# AWS defaults when the property is unset.
DEFAULT_MEMORY_MB = 128.0
DEFAULT_TIMEOUT_S = 3.0
CONFIG = {
    "minMemoryMb": {"type": "integer", "minimum": 128, "maximum": 10240, "default": 256},
    "maxMemoryMb": {"type": "integer", "minimum": 128, "maximum": 10240, "default": 3008},
    "minTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 900, "default": 3},
    "maxTimeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 900, "default": 300},
}


def _check(
    value: object, default: float, bounds: tuple[float, float], what: str, arg: str
) -> tuple[str, str] | None:
    amount = default if value is None else number(value)
    low, high = (show(b) for b in bounds)
    if amount is not None and bounds[0] <= amount <= bounds[1]:
        return None
    shown = f"{show(default)} (AWS default)" if value is None else show(value)
    return f"{what} is {shown}, outside {low}-{high}", f"set {arg} between {low} and {high}"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    checks = (
        _check(
            get(args.props, "memorySize"),
            DEFAULT_MEMORY_MB,
            (setting(args, "minMemoryMb", CONFIG), setting(args, "maxMemoryMb", CONFIG)),
            "memory (MB)",
            "memory_size",
        ),
        _check(
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
    for found in checks:
        if found:
            problem, fix = found
            report(
                message(f"Lambda function {label(args.resource_type, args.name)}", problem, fix),
                None,
            )


POLICY = resource_policy(
    name="lambda-function-sizing-bounds",
    description="Lambda memory size and timeout must lie within the configured bounds.",
    validate=_validate,
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Set memory_size and timeout within the configured bounds.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
    tags=["lambda", "configuration-standard"],
    enforcement=EnforcementLevel.ADVISORY,
    config=CONFIG,
)
