"""Each policy's enforcement level and config properties, reconciled as the CLI does it.

A policy's level is the per-policy config level, else the config's ``all`` level, else the
policy's own, else the pack's. Properties start from the schema defaults, then the pack's
``initial_config``, then the user's ``--policy-pack-config`` file; they are validated against
the policy's JSON schema (draft 7, with the ``jsonschema`` library) and handed over as
protobuf would (numbers as floats).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from pulumi_policy import EnforcementLevel, Policy

from compliance.files import FileFormatError, read_json
from compliance.policy_engine.errors import PolicyEngineError
from compliance.policy_engine.pack import Pack

_LEVELS = {level.value: level for level in EnforcementLevel}


@dataclass(frozen=True)
class PolicySettings:
    """A policy's reconciled enforcement level and config properties."""

    level: EnforcementLevel
    properties: Mapping[str, Any]


def _level(value: Any, where: str) -> EnforcementLevel:
    if isinstance(value, EnforcementLevel):
        return value
    if isinstance(value, str) and value in _LEVELS:
        return _LEVELS[value]
    msg = f"{where}: {value!r} is not a valid enforcement level (one of {sorted(_LEVELS)})"
    raise PolicyEngineError(msg)


def parse_config(
    config: Mapping[str, Any],
) -> dict[str, tuple[EnforcementLevel | None, dict[str, Any]]]:
    """Policy name -> (level, properties) from the CLI's ``--policy-pack-config`` JSON shape."""
    parsed: dict[str, tuple[EnforcementLevel | None, dict[str, Any]]] = {}
    for name, value in config.items():
        if isinstance(value, str | EnforcementLevel):
            parsed[name] = (_level(value, name), {})
        elif isinstance(value, Mapping):
            properties = dict(value)
            raw = properties.pop("enforcementLevel", None)
            parsed[name] = (None if raw is None else _level(raw, name), properties)
        else:
            msg = f"config for {name!r}: {value!r} must be an enforcement level or an object"
            raise PolicyEngineError(msg)
    return parsed


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a ``--policy-pack-config`` JSON file (an empty file means no config, as in the CLI)."""
    if not Path(path).read_text().strip():
        return {}
    try:
        data = read_json(Path(path))
    except FileFormatError as e:
        raise PolicyEngineError(str(e)) from e
    if not isinstance(data, dict):
        msg = f"{path}: the policy pack config must be a JSON object keyed by policy name"
        raise PolicyEngineError(msg)
    return data


def _schema_errors(policy: Policy, properties: Mapping[str, Any]) -> list[str]:
    """Every way ``properties`` break the policy's config schema, each naming the key."""
    schema = policy.config_schema
    if schema is None:
        return []
    document = {"type": "object", "properties": schema.properties}
    if schema.required:
        document["required"] = list(schema.required)
    errors = []
    for error in sorted(Draft7Validator(document).iter_errors(dict(properties)), key=str):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        errors.append(f"{policy.name}{where}: {error.message}")
    return errors


def _as_wire(value: Any) -> Any:
    """Config as the analyzer receives it through protobuf Struct: every number a float."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return {k: _as_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_wire(v) for v in value]
    return value


def reconcile_config(
    pack: Pack, config: Mapping[str, Any] | None = None
) -> dict[str, PolicySettings]:
    """Each policy's level and properties: schema defaults < initial_config < ``config``.

    Raises PolicyEngineError for invalid levels, unknown policy names (a typo would otherwise
    silently change nothing) and properties that break a policy's config schema.
    """
    known = {p.name for p in pack.policies}
    levels: dict[str, EnforcementLevel] = {}
    properties: dict[str, dict[str, Any]] = {}
    for policy in pack.policies:
        levels[policy.name] = policy.enforcement_level or pack.enforcement_level
        declared = policy.config_schema.properties if policy.config_schema else {}
        properties[policy.name] = {k: v["default"] for k, v in declared.items() if "default" in v}
    for layer in (pack.initial_config, config or {}):
        parsed = parse_config(layer)
        everything = parsed.pop("all", (None, {}))[0]
        if everything is not None:
            levels = dict.fromkeys(levels, everything)
        for name, (level, props) in parsed.items():
            if name not in known:
                msg = f"config names policy {name!r}, which pack {pack.name!r} does not have"
                raise PolicyEngineError(msg)
            if level is not None:
                levels[name] = level
            properties[name].update(props)
    errors = [e for p in pack.policies for e in _schema_errors(p, properties[p.name])]
    if errors:
        msg = "policy pack configuration is invalid:\n  " + "\n  ".join(errors)
        raise PolicyEngineError(msg)
    return {
        name: PolicySettings(levels[name], _as_wire(properties[name])) for name in sorted(known)
    }
