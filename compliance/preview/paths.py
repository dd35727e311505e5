"""Pulumi property paths, and a value with what sits at given paths hidden."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

#: What the capture writes in place of a secret value.
REDACTED = "[secret]"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def property_path(parent: str, key: str | int) -> str:
    """Pulumi property-path syntax: `a.b`, `a[0]`, `a["key.with.dots"]`."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{json.dumps(key)}]"


def redacted(value: Any, paths: Collection[str], path: str = "") -> Any:
    """`value` (plain) with what sits at each of the secret `paths` replaced by `[secret]`."""
    if path in paths:
        return REDACTED
    if isinstance(value, dict):
        return {k: redacted(v, paths, property_path(path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v, paths, property_path(path, i)) for i, v in enumerate(value)]
    return value


def string_leaves(value: Any) -> set[str]:
    """Every non-empty string inside `value` (plain data)."""
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, dict):
        return set().union(*(string_leaves(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(string_leaves(v) for v in value))
    return set()


def paths_containing(value: Any, needles: Collection[str], path: str = "") -> list[str]:
    """Paths of the strings inside `value` (plain) that contain one of `needles`."""
    if isinstance(value, str):
        return [path] if any(needle in value for needle in needles) else []
    if isinstance(value, dict):
        items: list[tuple[str | int, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    return [
        found for k, v in items for found in paths_containing(v, needles, property_path(path, k))
    ]
