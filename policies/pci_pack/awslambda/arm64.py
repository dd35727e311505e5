"""Lambda functions run on arm64 (Graviton), the architecture the bundle is built for.

The deployment bundle ships aarch64 wheels (cryptography), so an x86_64 function would fail to
import them: this is a correctness rule as much as a configuration standard.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import as_list, get, label, matches, message

FUNCTION = "aws:lambda/function:Function"


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not matches(args.resource_type, FUNCTION):
        return
    architectures = as_list(get(args.props, "architectures")) or ["x86_64 (default)"]
    if architectures != ["arm64"]:
        report(
            message(
                f"Lambda function {label(args.resource_type, args.name)}",
                f"runs on {architectures}",
                "set architectures=['arm64'] (the bundle ships aarch64 wheels)",
            ),
            None,
        )


POLICY = resource_policy(
    name="lambda-function-arm64",
    description="Lambda functions must run on the arm64 architecture.",
    validate=_validate,
    reference="2.2.1",
    severity=Severity.MEDIUM,
    remediation="Set architectures=['arm64'] and build the bundle for manylinux2014_aarch64.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html",
    tags=["lambda", "configuration-standard"],
)
