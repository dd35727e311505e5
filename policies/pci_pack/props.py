"""Read engine-shaped resource properties safely.

Policies receive camelCase wire inputs wrapped in pulumi-policy's unknown-checking proxy: numbers
are floats, nested values are Mapping/Sequence proxies (not dict/list), JSON documents may be
strings, and reading a value that is unknown during preview raises ``UnknownValueError``.
Letting that error escape is the engine's contract ("can't run policy during preview"), so
``get`` lets it through; ``peek`` returns ``UNKNOWN`` for checks that can skip one value and go on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import UnknownValueError


class _Unknown:
    """Marker for a value the engine cannot know yet (first preview)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


def get(props: Any, *path: str | int) -> Any:
    """The value at ``path``, or None when any step is missing; unknown values raise."""
    value = props
    for key in path:
        if isinstance(key, int):
            if not is_sequence(value) or not -len(value) <= key < len(value):
                return None
            value = value[key]
        else:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        if value is None:
            return None
    return value


def peek(props: Any, *path: str | int) -> Any:
    """Like ``get`` but returns ``UNKNOWN`` instead of raising for an unknown value."""
    try:
        return get(props, *path)
    except UnknownValueError:
        return UNKNOWN


def is_sequence(value: Any) -> bool:
    """True for lists and list proxies, False for strings."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def plain(value: Any) -> Any:
    """A deep copy as dicts/lists/scalars (proxies are not JSON-serialisable); unknowns raise."""
    if isinstance(value, Mapping):
        return {str(k): plain(value[k]) for k in value}
    if is_sequence(value):
        return [plain(v) for v in value]
    return value


def as_list(value: Any) -> list[Any]:
    """IAM-style "one or many": a scalar becomes a one-element list, None an empty one."""
    if value is None:
        return []
    if is_sequence(value):
        return list(value)
    return [value]


def number(value: Any) -> float | None:
    """A numeric value (the wire sends floats; strings of digits are accepted too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def json_document(value: Any) -> dict[str, Any] | None:
    """A policy document given as a JSON string or an object; None when absent or not an object.

    Raises ValueError for a string that is not JSON, so a broken document is never read as empty.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as e:
            msg = f"not a JSON document: {e.msg} at position {e.pos}"
            raise ValueError(msg) from e
        return parsed if isinstance(parsed, dict) else None
    if isinstance(value, Mapping):
        return plain(value)
    return None


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements of an IAM/resource policy document (``Statement`` may be one object)."""
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def is_aws_managed_key(key_id: str) -> bool:
    """True for AWS-managed key aliases (``alias/aws/sns`` or their ARNs), which no CMK is."""
    return key_id.startswith("alias/aws/") or ":alias/aws/" in key_id


def label(resource_type: str, name: str) -> str:
    """How messages name a resource: its logical name and type."""
    return f"'{name}' ({resource_type})"


def message(subject: str, problem: str, fix: str) -> str:
    """One violation sentence: which resource, what is wrong, and the fix."""
    return f"{subject} {problem}. Fix: {fix}"


def type_key(token: str) -> str:
    """Normalise a type token for comparison.

    Legacy tokens differ from current ones only in the case of the module member
    (``aws:s3/BucketObject:BucketObject`` vs ``aws:s3/bucketObject:BucketObject``).
    """
    return token.lower()


def matches(resource_type: str, *tokens: str) -> bool:
    """True when ``resource_type`` is one of ``tokens``, current or legacy spelling."""
    key = type_key(resource_type)
    return any(key == type_key(t) for t in tokens)


def cmk_problem(key: Any, setting_name: str) -> str | None:
    """Why ``key`` (a KMS key reference) is not a customer-managed key, or None when it is.

    An unknown value is another resource's output (a key created by the stack), never an
    AWS-managed alias, which is always a literal; so unknown passes instead of failing.
    """
    if key is UNKNOWN:
        return None
    if not isinstance(key, str) or not key:
        return f"has no {setting_name} (it falls back to an AWS-owned or AWS-managed key)"
    if is_aws_managed_key(key):
        return f"uses the AWS-managed key {key!r} as {setting_name}"
    return None


def show(value: Any) -> str:
    """A property value for a message: wire floats as integers where exact (``7.0`` -> ``7``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)
