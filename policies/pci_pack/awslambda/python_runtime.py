"""Lambda functions use a supported Python runtime: at least the configured minimum, not deprecated.

Deprecation dates are AWS's published schedule (Lambda runtimes page); a runtime is deprecated
from its date on. The evaluation date is configurable so a plan can be checked as of a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import get
from pci_pack.rule import Finding, resource_check

FUNCTION = "aws:lambda/function:Function"
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
DEPRECATION = {
    (3, 8): date(2024, 10, 14),
    (3, 9): date(2025, 12, 15),
    (3, 10): date(2026, 6, 30),
    (3, 11): date(2026, 6, 30),
    (3, 12): date(2028, 10, 31),
    (3, 13): date(2029, 6, 30),
    (3, 14): date(2029, 6, 30),
}
CONFIG = {
    "minimumVersion": {"type": "string", "pattern": r"^3\.\d+$", "default": "3.9"},
    "asOf": {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": "Evaluate deprecation as of this date (YYYY-MM-DD); default: today (UTC).",
    },
}
_RUNTIME = re.compile(r"^python(\d+)\.(\d+)$")


def runtime_problem(runtime: object, minimum: tuple[int, int], today: date) -> str | None:
    """Why ``runtime`` is not acceptable, or None (pure: the schedule and date are inputs)."""
    found = _RUNTIME.match(runtime) if isinstance(runtime, str) else None
    if found is None:
        return f"uses runtime {runtime!r}, not a Python runtime"
    version = (int(found[1]), int(found[2]))
    if version < minimum:
        return f"uses {runtime}, older than python{minimum[0]}.{minimum[1]}"
    deprecated = DEPRECATION.get(version)
    if deprecated is not None and deprecated <= today:
        return f"uses {runtime}, deprecated by AWS Lambda since {deprecated.isoformat()}"
    if deprecated is None and version < max(DEPRECATION):
        return f"uses {runtime}, which AWS Lambda does not offer"
    return None


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    major, minor = (int(p) for p in setting(args, "minimumVersion", CONFIG).split("."))
    as_of = setting(args, "asOf", CONFIG)
    today = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date()
    problem = runtime_problem(get(args.props, "runtime"), (major, minor), today)
    if problem:
        supported = sorted(
            f"python{v[0]}.{v[1]}"
            for v, deprecated in DEPRECATION.items()
            if deprecated > today and v >= (major, minor)
        )
        yield problem, f"set runtime to a supported one ({', '.join(supported)})"


POLICY = resource_policy(
    name="lambda-function-python-runtime",
    description="Lambda functions must use a supported, non-deprecated Python 3 runtime.",
    validate=resource_check("Lambda function", (FUNCTION,), _check),
    reference="6.3.3",
    severity=Severity.HIGH,
    remediation="Move the function to a Python runtime AWS still supports (python3.12 or newer).",
    url="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
    tags=["lambda", "patching"],
    config=CONFIG,
)
