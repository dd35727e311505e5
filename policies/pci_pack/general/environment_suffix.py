"""AWS resource names carry the environment suffix, so environments never share a resource.

The suffix comes from policy config (``environmentSuffix``) or else the stack name the CLI gives
the analyzer (``PULUMI_STACK``, last path segment). Logical names and physical ``name`` inputs
must both contain it as a separate token (``-dev``, ``/dev/``).
"""

from __future__ import annotations

import os
import re

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy, setting
from pci_pack.props import label, message, peek

CONFIG = {
    "environmentSuffix": {
        "type": "string",
        "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$",
        "description": "The suffix every name carries; default: the stack name.",
    }
}


def carries_suffix(name: str, suffix: str) -> bool:
    """True when ``suffix`` is a whole token of ``name`` (between -, /, _, . or the ends)."""
    return re.search(rf"(^|[-/_.]){re.escape(suffix)}($|[-/_.])", name) is not None


def _suffix(args: ResourceValidationArgs) -> str:
    configured: str | None = setting(args, "environmentSuffix", CONFIG)
    suffix = configured or os.environ.get("PULUMI_STACK", "").rsplit("/", 1)[-1]
    if not suffix:
        args.not_applicable("no environmentSuffix configured and no stack name")
    return suffix


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not args.resource_type.startswith("aws:"):
        return
    suffix = _suffix(args)
    physical = peek(args.props, "name")
    names = [("name", args.name)]
    if isinstance(physical, str) and physical != args.name:
        names.append(("physical name", physical))
    for kind, name in names:
        if not carries_suffix(name, suffix):
            report(
                message(
                    label(args.resource_type, args.name),
                    f"has {kind} {name!r} without the environment suffix {suffix!r}",
                    f"name it '<resource>-{suffix}' (SSM paths: '/payment-webhooks/{suffix}/...')",
                ),
                None,
            )


POLICY = resource_policy(
    name="resource-name-environment-suffix",
    description="AWS resource names must carry the environment suffix.",
    validate=_validate,
    reference="6.5.3",
    severity=Severity.MEDIUM,
    remediation="Append the environment suffix to the logical and physical names.",
    url="https://www.pulumi.com/docs/iac/concepts/resources/names/",
    tags=["naming", "environment-separation"],
    rule_set=RuleSet.PLATFORM,
    config=CONFIG,
)
