"""The pack's registry: every policy module's ``POLICY``, with unique names.

Policies live one per file under ``pci_pack/<service>/<rule>.py`` and are discovered by walking
the service subpackages, so adding a rule is adding a file; a duplicate name is an error rather
than one rule silently shadowing another.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from pulumi_policy import Policy

PACK_NAME = "payment-webhooks-pci"


class DuplicatePolicyError(ValueError):
    """Two modules define policies with the same name."""


class Registry:
    """Policies by name, in registration order; rejects duplicates."""

    def __init__(self) -> None:
        self._policies: dict[str, tuple[Policy, str]] = {}

    def add(self, policy: Policy, origin: str) -> None:
        """Register ``policy`` (defined in module ``origin``)."""
        if policy.name in self._policies:
            other = self._policies[policy.name][1]
            msg = f"policy name {policy.name!r} is defined twice: in {other} and in {origin}"
            raise DuplicatePolicyError(msg)
        self._policies[policy.name] = (policy, origin)

    def policies(self) -> list[Policy]:
        """The registered policies, sorted by name (a stable order for the engine and reports)."""
        return [p for _, (p, _) in sorted(self._policies.items())]


def _policy_modules(package: ModuleType) -> list[ModuleType]:
    modules = []
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        if info.ispkg:
            continue
        # Rules live in service subpackages; top-level modules are the pack's own machinery.
        if info.name.count(".") < 2:
            continue
        modules.append(importlib.import_module(info.name))
    return modules


def build(package: ModuleType) -> Registry:
    """Import every rule module under ``package``; each must define ``POLICY``."""
    registry = Registry()
    for module in _policy_modules(package):
        policy = getattr(module, "POLICY", None)
        if not isinstance(policy, Policy):
            msg = f"{module.__name__} defines no POLICY (one pulumi_policy.Policy per rule file)"
            raise TypeError(msg)
        registry.add(policy, module.__name__)
    return registry


@cache
def _pack_registry() -> Registry:
    import pci_pack

    return build(pci_pack)


def all_policies() -> list[Policy]:
    """Every policy of this pack (what ``policies/__main__.py`` hands to ``PolicyPack``)."""
    return _pack_registry().policies()
