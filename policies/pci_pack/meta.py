"""Build policies with the metadata every rule in this pack carries.

Keeping the constructor in one place means every policy has the same fields (severity, PCI DSS
framework reference, remediation steps, url, tags), which the registry meta-test checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NotRequired, TypedDict, Unpack

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ResourceValidation,
    ResourceValidationPolicy,
    Severity,
    StackValidation,
    StackValidationPolicy,
)

PCI_DSS = "PCI DSS"
PCI_DSS_VERSION = "4.0.1"
PCI_SPEC = "https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0_1.pdf"


class RuleSet(StrEnum):
    """Which set a rule belongs to; a pack config can run one set alone (``pci_pack.rule_sets``).

    ``PCI_DSS`` rules hold for any AWS stack that handles cardholder data; ``PLATFORM`` rules are
    this platform's own conventions (names, architecture, sizing, billing, tags, destroyability).
    """

    PCI_DSS = "pci-dss"
    PLATFORM = "platform"


def rule_set_tag(rule_set: RuleSet) -> str:
    """The policy tag that carries a rule's set, so the engine and reports see it too."""
    return f"rule-set:{rule_set.value}"


def pci(reference: str) -> PolicyComplianceFramework:
    """The PCI DSS v4.0.1 requirement a rule is evidence for (e.g. "3.5.1")."""
    return PolicyComplianceFramework(
        name=PCI_DSS, version=PCI_DSS_VERSION, reference=reference, specification=PCI_SPEC
    )


def _schema(config: Mapping[str, Mapping[str, Any]] | None) -> PolicyConfigSchema | None:
    if not config:
        return None
    return PolicyConfigSchema(properties={k: dict(v) for k, v in config.items()})


class Metadata(TypedDict):
    """What every policy of the pack carries besides its ``validate`` (see the module docstring).

    ``config`` is a JSON-schema property map; ``enforcement`` defaults to mandatory and
    ``rule_set`` to ``RuleSet.PCI_DSS``.
    """

    name: str
    description: str
    reference: str
    severity: Severity
    remediation: str
    url: str
    tags: list[str]
    enforcement: NotRequired[EnforcementLevel]
    config: NotRequired[Mapping[str, Mapping[str, Any]] | None]
    rule_set: NotRequired[RuleSet]


def _fields(meta: Metadata) -> dict[str, Any]:
    """The constructor arguments both policy kinds share, from the pack's metadata."""
    return {
        "name": meta["name"],
        "description": meta["description"],
        "enforcement_level": meta.get("enforcement", EnforcementLevel.MANDATORY),
        "config_schema": _schema(meta.get("config")),
        "severity": meta["severity"],
        "framework": pci(meta["reference"]),
        "tags": [*meta["tags"], rule_set_tag(meta.get("rule_set", RuleSet.PCI_DSS))],
        "remediation_steps": meta["remediation"],
        "url": meta["url"],
    }


def resource_policy(
    *, validate: ResourceValidation, **meta: Unpack[Metadata]
) -> ResourceValidationPolicy:
    """A resource policy with the pack's metadata."""
    return ResourceValidationPolicy(validate=validate, **_fields(meta))


def stack_policy(*, validate: StackValidation, **meta: Unpack[Metadata]) -> StackValidationPolicy:
    """A stack policy with the pack's metadata (cross-resource rules)."""
    return StackValidationPolicy(validate=validate, **_fields(meta))


def setting(args: Any, key: str, schema: Mapping[str, Mapping[str, Any]]) -> Any:
    """A config value: what the engine passed, else the schema's default (one source of truth).

    The CLI fills schema defaults itself; the fallback keeps a policy correct when it is called
    directly (tests) or by an engine that passes no config.
    """
    value = args.get_config().get(key)
    return schema[key].get("default") if value is None else value
