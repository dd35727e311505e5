"""Security groups admit no ingress from the whole internet (0.0.0.0/0 or ::/0).

Admin ports (SSH, RDP, database ports) open to the internet are never allowed; any other port
open to the internet only when the pack config lists it (``allowedPublicPorts``, e.g. 443 for a
public load balancer). Inline ``ingress`` blocks, ``ec2.SecurityGroupRule`` and
``vpc.SecurityGroupIngressRule`` resources are all read, since each is a way to open a port.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import as_list, get, is_sequence, matches, number, show
from pci_pack.rule import Finding, resource_check

GROUP = "aws:ec2/securityGroup:SecurityGroup"
RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
OPEN = {"0.0.0.0/0", "::/0"}
ALL_PROTOCOLS = {"-1", "all"}
CONFIG: dict[str, dict[str, Any]] = {
    "adminPorts": {
        "type": "array",
        "items": {"type": "integer"},
        "default": [22, 3389, 1433, 1521, 3306, 5432, 6379, 9200, 11211, 27017],
        "description": "Ports never open to the internet (remote administration and databases).",
    },
    "allowedPublicPorts": {
        "type": "array",
        "items": {"type": "integer"},
        "default": [],
        "description": "Ports that may be open to 0.0.0.0/0 or ::/0 (never an admin port).",
    },
}


def _entries(args: ResourceValidationArgs) -> Iterator[tuple[str, Any, Any, Any, list[Any]]]:
    """(where, protocol, from port, to port, CIDRs) of each ingress the resource declares."""
    props = args.props
    if matches(args.resource_type, GROUP):
        ingress = get(props, "ingress")
        for index, entry in enumerate(ingress if is_sequence(ingress) else []):
            cidrs = as_list(get(entry, "cidrBlocks")) + as_list(get(entry, "ipv6CidrBlocks"))
            yield (
                f"ingress[{index}]",
                get(entry, "protocol"),
                get(entry, "fromPort"),
                get(entry, "toPort"),
                cidrs,
            )
    elif matches(args.resource_type, RULE) and get(props, "type") == "ingress":
        cidrs = as_list(get(props, "cidrBlocks")) + as_list(get(props, "ipv6CidrBlocks"))
        yield "rule", get(props, "protocol"), get(props, "fromPort"), get(props, "toPort"), cidrs
    elif matches(args.resource_type, INGRESS_RULE):
        cidrs = [get(props, "cidrIpv4"), get(props, "cidrIpv6")]
        yield "rule", get(props, "ipProtocol"), get(props, "fromPort"), get(props, "toPort"), cidrs


def open_ports(protocol: Any, low: Any, high: Any, ports: list[int]) -> list[int]:
    """The ``ports`` inside an ingress's range (all of them for protocol -1 or no range)."""
    if str(protocol).lower() in ALL_PROTOCOLS:
        return list(ports)
    start, end = number(low), number(high)
    if start is None or end is None:
        return list(ports)
    return [p for p in ports if start <= p <= end]


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    admin = list(setting(args, "adminPorts", CONFIG))
    allowed = set(setting(args, "allowedPublicPorts", CONFIG)) - set(admin)
    for where, protocol, low, high, cidrs in _entries(args):
        public = sorted(OPEN & {c for c in cidrs if isinstance(c, str)})
        if not public:
            continue
        exposed_admin = open_ports(protocol, low, high, admin)
        span = f"ports {show(low)}-{show(high)}/{protocol}"
        if exposed_admin:
            yield (
                f"{where} opens admin ports {exposed_admin} ({span}) to {public}",
                "restrict the source to known CIDRs or security groups (use SSM Session Manager)",
            )
        elif number(low) is None or number(low) != number(high) or number(low) not in allowed:
            yield (
                f"{where} opens {span} to {public}, not an allowed public port",
                "restrict the source, or list the port in allowedPublicPorts if it must be public",
            )


POLICY = resource_policy(
    name="security-group-no-public-ingress",
    description="Security groups must not admit 0.0.0.0/0 or ::/0 except on allowed public ports.",
    validate=resource_check("Security group", (GROUP, RULE, INGRESS_RULE), _check),
    reference="1.3.1",
    severity=Severity.CRITICAL,
    remediation="Restrict ingress sources; never open admin ports to the internet.",
    url="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html",
    tags=["network", "security-group", "public-access"],
    config=CONFIG,
)
