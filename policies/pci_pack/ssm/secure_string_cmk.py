"""SSM parameters are SecureStrings encrypted with a customer-managed KMS key.

Every parameter in this stack holds webhook verification material or configuration the
receiver trusts, so plain ``String`` parameters are not allowed.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.cmk import cmk_validation
from pci_pack.meta import resource_policy
from pci_pack.props import get

PARAMETER = "aws:ssm/parameter:Parameter"
FIX = "set type='SecureString' and key_id to the stack's customer-managed key ARN"


def _secure_string(args: ResourceValidationArgs) -> str | None:
    kind = get(args.props, "type")
    if kind != "SecureString":
        return f"has type {kind!r}, not 'SecureString'"
    return None


POLICY = resource_policy(
    name="ssm-parameter-secure-string-cmk",
    description="SSM parameters must be SecureStrings encrypted with a customer-managed KMS key.",
    validate=cmk_validation(PARAMETER, "SSM parameter", ("keyId",), FIX, _secure_string),
    reference="3.5.1",
    severity=Severity.CRITICAL,
    remediation="Use type='SecureString' with key_id set to a customer-managed key.",
    url="https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",
    tags=["ssm", "encryption", "secrets"],
)
