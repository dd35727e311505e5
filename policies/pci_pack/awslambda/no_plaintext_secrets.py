"""Lambda environment variables hold no secrets, only pointers to them (SSM parameter names).

Environment variables show up in the console, in ``GetFunctionConfiguration`` and in state; a
signing secret there is a hard-coded credential. Two checks: values that look like known secret
formats, and secret-looking names that do not point to a parameter (``<NAME>_PARAM`` holding an
SSM parameter name or ARN). Values that are unknown at preview are other resources' outputs
(queue URLs, ARNs), never literals, so they are skipped rather than failing the whole check.
"""

from __future__ import annotations

import re

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import UNKNOWN, label, matches, message, peek

FUNCTION = "aws:lambda/function:Function"
CONFIG = {
    "referenceSuffixes": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["_PARAM", "_PARAMETER", "_ARN"],
        "description": "Name suffixes of variables that point to a secret instead of holding it.",
    }
}
SECRET_NAME = re.compile(
    r"SECRET|TOKEN|PASSW(OR)?D|PRIVATE|CREDENTIAL|API_?KEY|SIGNING|SIGNATURE|_KEY$|^KEY$",
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(
    r"^(whsec_|sk_(live|test)_|rk_(live|test)_|sq0csp-|EAAA[A-Za-z0-9_-]{20,}|xox[abprs]-|ghp_)"
    r"|(AKIA|ASIA)[A-Z0-9]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\."
)


def is_reference(value: str) -> bool:
    """An SSM parameter name (``/path``) or any ARN: a pointer, not the secret itself."""
    return value.startswith(("/", "arn:"))


def secret_problems(
    variables: dict[str, object], suffixes: list[str]
) -> list[tuple[str, str, str]]:
    """(variable, problem, fix) for ``variables`` (pure; UNKNOWN values are skipped)."""
    move = "store the secret as an SSM SecureString and pass its name in {}"
    problems = []
    for name, value in sorted(variables.items()):
        if value is UNKNOWN or not isinstance(value, str):
            continue
        is_pointer = name.upper().endswith(tuple(s.upper() for s in suffixes))
        pointer = name if is_pointer else f"{name}_PARAM"
        if SECRET_VALUE.search(value):
            problems.append((name, "holds a value in a known secret format", move.format(pointer)))
        elif SECRET_NAME.search(name) and not is_pointer:
            problems.append(
                (name, "has a secret-looking name and holds the value", move.format(pointer))
            )
        elif SECRET_NAME.search(name) and not is_reference(value):
            problems.append(
                (name, "should point to an SSM parameter but holds a literal", move.format(name))
            )
    return problems


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    variables = peek(args.props, "environment", "variables")
    if variables is UNKNOWN or not variables:
        args.not_applicable("no known environment variables")
    suffixes = list(setting(args, "referenceSuffixes", CONFIG))
    known = {str(k): peek(variables, k) for k in variables}
    for name, problem, fix in secret_problems(known, suffixes):
        subject = f"Lambda function {label(args.resource_type, args.name)}: variable {name}"
        report(message(subject, problem, fix), None)


POLICY = resource_policy(
    name="lambda-function-no-plaintext-secrets",
    description="Lambda environment variables must not contain secrets; pass SSM parameter names.",
    validate=_validate,
    reference="8.6.2",
    severity=Severity.CRITICAL,
    remediation="Move secrets to SSM SecureString parameters; put only their names in variables.",
    url="https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html",
    tags=["lambda", "secrets"],
    config=CONFIG,
)
