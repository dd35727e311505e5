"""Function URLs without IAM auth belong only to functions marked as webhook receivers.

Payment providers cannot sign AWS requests, so the receiver's URL must be public and verifies
webhook signatures itself; any other public function URL is an unauthenticated entry point.
Whether a function may be public is a judgement the tag records, hence advisory.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity, StackValidationArgs

from pci_pack.graph import of_type, referenced
from pci_pack.meta import setting, stack_policy
from pci_pack.props import UNKNOWN, label, message, peek

FUNCTION = "aws:lambda/function:Function"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
CONFIG = {
    "tagKey": {"type": "string", "default": "Component"},
    "tagValue": {"type": "string", "default": "webhook-receiver"},
}


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    key, value = setting(args, "tagKey", CONFIG), setting(args, "tagValue", CONFIG)
    functions = of_type(args.resources, FUNCTION)
    for url in of_type(args.resources, FUNCTION_URL):
        if peek(url.props, "authorizationType") != "NONE":
            continue
        targets = referenced(url, "functionName", functions, peek(url.props, "functionName"))
        tags = [peek(f.props, "tags", key) for f in targets]
        if targets and all(t == value or t is UNKNOWN for t in tags):
            continue
        names = ", ".join(label(f.resource_type, f.name) for f in targets) or "an unknown function"
        report(
            message(
                f"Function URL {label(url.resource_type, url.name)}",
                f"is public (authorization NONE) for {names}, not tagged {key}={value}",
                f"set authorization_type='AWS_IAM', or tag the function {key}={value} if it "
                "verifies webhook signatures itself",
            ),
            url.urn,
        )


POLICY = stack_policy(
    name="lambda-function-url-public-receiver-only",
    description="Function URLs with auth NONE are allowed only for functions tagged as receivers.",
    validate=_validate,
    reference="1.3.1",
    severity=Severity.HIGH,
    remediation="Use AWS_IAM auth, or tag the function Component=webhook-receiver if intended.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
    tags=["lambda", "network", "public-access"],
    enforcement=EnforcementLevel.ADVISORY,
    config=CONFIG,
)
