"""API Gateway custom domains require TLS 1.2 or newer (security policy TLS_1_2 or stricter)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy
from pci_pack.props import get, matches
from pci_pack.rule import Finding, resource_check

REST_DOMAIN = "aws:apigateway/domainName:DomainName"
V2_DOMAIN = "aws:apigatewayv2/domainName:DomainName"


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    if matches(args.resource_type, V2_DOMAIN):
        policy = get(args.props, "domainNameConfiguration", "securityPolicy")
    else:
        policy = get(args.props, "securityPolicy")
    strong = isinstance(policy, str) and (policy.startswith("TLS_1_2") or "TLS13" in policy)
    if not strong:
        yield (
            f"accepts security policy {policy or 'TLS_1_0 (default)'!r}",
            "set security_policy='TLS_1_2'",
        )


POLICY = resource_policy(
    name="apigateway-domain-tls12",
    description="API Gateway custom domains must use a TLS 1.2+ security policy.",
    validate=resource_check("API domain", (REST_DOMAIN, V2_DOMAIN), _check),
    reference="4.2.1",
    severity=Severity.HIGH,
    remediation="Set the domain's security policy to TLS_1_2.",
    url="https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
    tags=["apigateway", "tls"],
)
