"""RDS instances are not publicly accessible: a database belongs behind the network boundary."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import peek
from pci_pack.rule import Finding, resource_check

INSTANCES = ("aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance")


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    if peek(args.props, "publiclyAccessible") is True:
        yield "is publicly accessible", "set publicly_accessible=False"


POLICY = resource_policy(
    name="rds-instance-not-public",
    description="RDS and Aurora instances must not be publicly accessible.",
    validate=resource_check("Database instance", INSTANCES, _check),
    reference="1.3.1",
    severity=Severity.CRITICAL,
    remediation="Set publicly_accessible=False and reach the database from inside the VPC.",
    url="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
    tags=["rds", "network", "public-access"],
)
