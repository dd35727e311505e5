"""Lambda functions run on arm64 (Graviton), the architecture the bundle is built for.

The deployment bundle ships aarch64 wheels (cryptography), so an x86_64 function would fail to
import them: this is a correctness rule as much as a configuration standard.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy
from pci_pack.props import as_list, get
from pci_pack.rule import Finding, resource_check

FUNCTION = "aws:lambda/function:Function"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    architectures = as_list(get(args.props, "architectures")) or ["x86_64 (default)"]
    if architectures != ["arm64"]:
        yield (
            f"runs on {architectures}",
            "set architectures=['arm64'] (the bundle ships aarch64 wheels)",
        )


POLICY = resource_policy(
    name="lambda-function-arm64",
    description="Lambda functions must run on the arm64 architecture.",
    validate=resource_check("Lambda function", (FUNCTION,), _check),
    reference="2.2.1",
    severity=Severity.MEDIUM,
    remediation="Set architectures=['arm64'] and build the bundle for manylinux2014_aarch64.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html",
    tags=["lambda", "configuration-standard"],
    rule_set=RuleSet.PLATFORM,
)
