"""Lambda permissions name who may invoke: no ``*`` principal, service principals scoped.

A permission for a service principal (``s3.amazonaws.com``, ``sns.amazonaws.com``) without
``source_arn`` or ``source_account`` lets any account's resource of that service invoke the
function (confused deputy). A ``*`` principal is public; the one public case this pack accepts
is a Function URL permission (``function_url_auth_type`` or ``invoked_via_function_url``), which
``lambda-function-url-public-receiver-only`` judges.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import peek
from pci_pack.rule import Finding, resource_check

PERMISSION = "aws:lambda/permission:Permission"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    principal = peek(args.props, "principal")
    if not isinstance(principal, str):
        return
    via_url = peek(args.props, "functionUrlAuthType") or peek(args.props, "invokedViaFunctionUrl")
    if principal == "*" and not via_url:
        yield (
            "lets any principal ('*') invoke the function",
            "name the invoking account or service, with source_arn",
        )
    elif principal.endswith(".amazonaws.com") and not (
        peek(args.props, "sourceArn") or peek(args.props, "sourceAccount")
    ):
        yield (
            f"lets {principal} invoke the function from any account",
            "set source_arn (and source_account) to the invoking resource",
        )


POLICY = resource_policy(
    name="lambda-permission-scoped",
    description="Lambda permissions must not be public and must scope service principals.",
    validate=resource_check("Lambda permission", (PERMISSION,), _check),
    reference="7.2.1",
    severity=Severity.HIGH,
    remediation="Set source_arn/source_account for service principals; never principal '*'.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html",
    tags=["lambda", "least-privilege", "public-access"],
)
