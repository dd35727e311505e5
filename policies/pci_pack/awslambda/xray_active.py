"""Lambda functions trace every invocation with X-Ray (Active; PassThrough traces nothing new)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get, label, matches, message

FUNCTION = "aws:lambda/function:Function"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    mode = get(args.props, "tracingConfig", "mode")
    if mode != "Active":
        report(
            message(
                f"Lambda function {label(args.resource_type, args.name)}",
                f"has X-Ray tracing mode {mode or 'PassThrough (default)'!r}",
                "set tracing_config={'mode': 'Active'}",
            ),
            None,
        )


POLICY = resource_policy(
    name="lambda-function-xray-active",
    description="Lambda functions must have X-Ray active tracing enabled.",
    validate=_validate,
    reference="10.2.1",
    severity=Severity.MEDIUM,
    remediation="Set tracing_config mode 'Active' and grant the two xray:Put* actions.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
    tags=["lambda", "logging", "tracing"],
)
