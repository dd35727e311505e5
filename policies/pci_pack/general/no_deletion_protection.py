"""No resource turns on a provider-side deletion protection flag (stacks must stay destroyable).

Matched by property name, so the same rule covers DynamoDB ``deletionProtectionEnabled``, RDS
``deletionProtection``, load balancers' ``enableDeletionProtection``, Cognito's
``deletionProtection = "ACTIVE"`` and EC2 ``disableApiTermination``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy
from pci_pack.props import peek
from pci_pack.rule import Finding, resource_check

FLAG = re.compile(r"deletionprotection|disableapitermination", re.IGNORECASE)
ON = (True, "ACTIVE", "ENABLED", "true")


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    for key in sorted(k for k in args.props if FLAG.search(k)):
        value = peek(args.props, key)
        if isinstance(value, bool | str) and value in ON:
            yield (
                f"sets {key}={value!r}",
                f"remove {key} (or set it false) so the stack stays destroyable",
            )


POLICY = resource_policy(
    name="resource-no-deletion-protection",
    description="Resources must not enable deletion protection (stacks must stay destroyable).",
    validate=resource_check("", (), _check),
    reference="2.2.1",
    severity=Severity.LOW,
    remediation="Remove the deletion protection flag; rely on backups for recovery.",
    url="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html",
    tags=["destroyability"],
    rule_set=RuleSet.PLATFORM,
)
