"""Reading provider settings from a plain mapping (SSM parameter values or a CLI config file).

Each reader names the offending key in its ``ConfigError`` and never echoes the value, which may
be a secret. Unknown keys are refused so that a misspelt optional setting cannot silently fall
back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from webhook_processor.signatures._base import ConfigError

UNSET_PREFIX = "UNSET:"
"""The stack's placeholder for a parameter nobody has filled in yet."""


def _is_text(value: object) -> TypeGuard[str]:
    """A string that encodes as UTF-8 (JSON can smuggle in lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


class Config:
    """A provider's raw settings plus the set of keys it understands."""

    def __init__(self, provider: str, raw: Mapping[str, Any], known: frozenset[str]) -> None:
        if not isinstance(raw, Mapping):
            msg = f"{provider}: settings must be an object of key -> value"
            raise ConfigError(msg)
        unknown = sorted(str(k) for k in raw if k not in known)
        if unknown:
            msg = f"{provider}: unknown setting(s) {', '.join(unknown)}; known: {sorted(known)}"
            raise ConfigError(msg)
        self._provider = provider
        self._raw = raw

    def _fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self._provider}: setting {key!r} {problem}")

    def text(self, key: str, *, default: str | None = None) -> str:
        """A non-empty string that is not the stack's ``UNSET:`` placeholder."""
        value = self._raw.get(key, default)
        if value is None:
            raise self._fail(key, "is required")
        if not _is_text(value) or not value.strip():
            raise self._fail(key, "must be a non-empty string")
        if value.startswith(UNSET_PREFIX):
            raise self._fail(key, "still holds the UNSET: placeholder")
        return value

    def optional_text(self, key: str) -> str | None:
        """Like ``text``, but ``None`` when absent or still the ``UNSET:`` placeholder: for
        optional values the stack deploys as a placeholder until an operator sets them."""
        value = self._raw.get(key)
        if value is None or (_is_text(value) and value.startswith(UNSET_PREFIX)):
            return None
        return self.text(key)

    def seconds(self, key: str, *, default: int) -> int:
        """A positive whole number of seconds (a number or its decimal string, as SSM stores it)."""
        value = self._raw.get(key, default)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 86_400:
            raise self._fail(key, "must be a whole number of seconds between 1 and 86400")
        return value

    def count(self, key: str, *, default: int, maximum: int) -> int:
        """A whole number from 1 to ``maximum`` (a number or its decimal string), e.g. a budget."""
        value = self._raw.get(key, default)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
            raise self._fail(key, f"must be a whole number between 1 and {maximum}")
        return value

    def flag(self, key: str, *, default: bool) -> bool:
        """A boolean: JSON true/false, or the strings "true"/"false" (as SSM stores them)."""
        value = self._raw.get(key, default)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            value = value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise self._fail(key, "must be true or false")
        return value

    def texts(self, key: str, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """A non-empty list of non-empty strings; a comma-separated string (SSM StringList) too."""
        value = self._raw.get(key, default)
        if value is None:
            raise self._fail(key, "is required")
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        if not isinstance(value, list | tuple) or not value:
            raise self._fail(key, "must be a non-empty list of strings")
        if not all(_is_text(item) and item.strip() for item in value):
            raise self._fail(key, "must contain only non-empty strings")
        return tuple(value)

    def mapping(self, key: str) -> dict[str, str]:
        """An optional object of string -> string (empty when absent)."""
        value = self._raw.get(key, {})
        if not isinstance(value, Mapping) or not all(
            _is_text(k) and _is_text(v) for k, v in value.items()
        ):
            raise self._fail(key, "must be an object of string -> string")
        return dict(value)

    def choice(self, key: str, choices: tuple[str, ...], *, default: str | None = None) -> str:
        value = self.text(key, default=default)
        if value not in choices:
            raise self._fail(key, f"must be one of {', '.join(choices)}")
        return value
