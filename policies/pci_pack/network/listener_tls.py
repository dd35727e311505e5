"""Load balancer listeners serve HTTPS/TLS with a TLS 1.2+ policy, or redirect HTTP to HTTPS.

Cardholder data crossing open networks needs strong cryptography; ``ELBSecurityPolicy-2016-08``
(the default) still accepts TLS 1.0 and 1.1, so only the TLS 1.2/1.3 policy families pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.meta import resource_policy, setting
from pci_pack.props import as_list, get
from pci_pack.rule import Finding, resource_check

LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
CONFIG = {
    "allowedSslPolicies": {
        "type": "array",
        "items": {"type": "string"},
        "default": [
            "ELBSecurityPolicy-TLS13-*",
            "ELBSecurityPolicy-TLS-1-2-*",
            "ELBSecurityPolicy-FS-1-2-*",
        ],
        "description": "SSL policy name patterns that allow only TLS 1.2 or newer.",
    }
}


def _redirects_to_https(args: ResourceValidationArgs) -> bool:
    actions = as_list(get(args.props, "defaultActions"))
    return bool(actions) and all(
        get(a, "type") == "redirect" and get(a, "redirect", "protocol") == "HTTPS" for a in actions
    )


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    protocol = get(args.props, "protocol")
    if protocol == "HTTP" and not _redirects_to_https(args):
        yield (
            "serves plain HTTP",
            "use protocol='HTTPS' with a certificate, or redirect HTTP to HTTPS",
        )
    elif protocol in ("HTTPS", "TLS"):
        policy = get(args.props, "sslPolicy")
        patterns = setting(args, "allowedSslPolicies", CONFIG)
        if not (isinstance(policy, str) and any(fnmatchcase(policy, p) for p in patterns)):
            shown = policy or "ELBSecurityPolicy-2016-08 (default)"
            yield (
                f"uses SSL policy {shown!r}, which is not TLS 1.2+ only",
                "set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06'",
            )


POLICY = resource_policy(
    name="lb-listener-tls12",
    description="Load balancer listeners must use HTTPS/TLS with a TLS 1.2+ policy.",
    validate=resource_check("Listener", LISTENERS, _check),
    reference="4.2.1",
    severity=Severity.HIGH,
    remediation="Serve HTTPS with a TLS 1.2+ SSL policy; redirect port 80 to HTTPS.",
    url="https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    tags=["network", "tls", "elb"],
    config=CONFIG,
)
