"""Follow references between resources in stack policies.

On a first preview the values that link resources (ARNs, URLs) are unknown, so a value match
alone would miss every link. The engine also hands stack policies each property's dependencies
(``property_dependencies``: the resources whose outputs fed that input), which are known even
then; links are found through those first and through equal known values second.
"""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_policy import PolicyResource

from pci_pack.props import UNKNOWN, matches, peek


def of_type(resources: Iterable[PolicyResource], *tokens: str) -> list[PolicyResource]:
    """The resources whose type is one of ``tokens`` (current or legacy spelling)."""
    return [r for r in resources if matches(r.resource_type, *tokens)]


def _identifiers(resource: PolicyResource, keys: tuple[str, ...]) -> set[str]:
    values = {peek(resource.props, key) for key in keys}
    return {v for v in values if isinstance(v, str) and v}


def referenced(
    source: PolicyResource,
    prop: str,
    candidates: Iterable[PolicyResource],
    value: object = UNKNOWN,
    keys: tuple[str, ...] = ("arn", "id", "name", "url"),
) -> list[PolicyResource]:
    """The ``candidates`` that ``source.<prop>`` refers to.

    ``value`` is the (possibly nested) referring value when the caller has read it; it is
    matched against each candidate's ``keys`` outputs when known.
    """
    candidates = list(candidates)
    by_dependency = {r.urn for r in source.property_dependencies.get(prop, [])}
    found = [r for r in candidates if r.urn in by_dependency]
    if found or not isinstance(value, str):
        return found
    return [r for r in candidates if value in _identifiers(r, keys)]


def attached(
    target: PolicyResource,
    resources: Iterable[PolicyResource],
    tokens: tuple[str, ...],
    prop: str,
    keys: tuple[str, ...] = ("arn", "id", "name", "url"),
) -> list[PolicyResource]:
    """The resources of ``tokens`` whose ``prop`` refers to ``target`` (e.g. a bucket's policy)."""
    return [
        r
        for r in of_type(resources, *tokens)
        if referenced(r, prop, [target], peek(r.props, prop), keys)
    ]
