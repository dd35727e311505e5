"""Pulumi project and stack configuration, read the way the CLI hands it to a program.

Order: project defaults (`Pulumi.yaml` `config:`), then the stack file
(`Pulumi.<stack>.yaml`), then explicit overrides (`--config KEY=VALUE`). Keys without a
namespace belong to the project, as with `pulumi config set`. Values reach the program as
strings (structured values as JSON). `secure:` values cannot be decrypted offline: they are
left out and reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance.files import FileFormatError, read_yaml


class ProjectError(ValueError):
    """The program directory is not a usable Pulumi project."""


@dataclass(frozen=True)
class Project:
    """What the runner needs from `Pulumi.yaml`."""

    name: str
    directory: Path
    main: Path
    defaults: dict[str, Any]


@dataclass(frozen=True)
class StackConfig:
    """The configuration a program run gets."""

    values: dict[str, str]
    secret_keys: frozenset[str]
    absent_secure: tuple[str, ...]


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path) or {}
    except FileFormatError as exc:
        raise ProjectError(str(exc)) from exc
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping at the top level"
        raise ProjectError(msg)
    return data


def load_project(directory: Path) -> Project:
    """Read `Pulumi.yaml` (or `.yml`) in `directory`."""
    for filename in ("Pulumi.yaml", "Pulumi.yml"):
        path = directory / filename
        if path.is_file():
            break
    else:
        msg = f"{directory}: no Pulumi.yaml here; pass --program with a Pulumi project directory"
        raise ProjectError(msg)
    data = _read_yaml(path)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        msg = f"{path}: the project has no name"
        raise ProjectError(msg)
    main = directory / str(data.get("main", "."))
    if not (main / "__main__.py" if main.is_dir() else main).is_file():
        msg = f"{path}: no Python program at {main} (expected __main__.py)"
        raise ProjectError(msg)
    defaults: dict[str, Any] = {}
    for key, spec in (data.get("config") or {}).items():
        value = spec.get("value", spec.get("default")) if isinstance(spec, dict) else spec
        if value is not None:
            defaults[qualify(str(key), name)] = value
    return Project(name=name, directory=directory, main=main, defaults=defaults)


def qualify(key: str, project: str) -> str:
    """`key` with the project as namespace when it has none (`pulumi config set` semantics)."""
    return key if ":" in key else f"{project}:{key}"


def as_config_string(value: Any) -> str:
    """Config values reach the program as strings; structured ones as JSON (as the CLI does)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def _is_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return "secure" in value or any(_is_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_is_secure(v) for v in value)
    return False


def load_config(project: Project, stack: str, overrides: Mapping[str, str]) -> StackConfig:
    """Project defaults, then `Pulumi.<stack>.yaml` (if present), then `overrides`."""
    stack_file = project.directory / f"Pulumi.{stack}.yaml"
    stack_values = _read_yaml(stack_file).get("config") or {} if stack_file.is_file() else {}
    values = {key: as_config_string(value) for key, value in project.defaults.items()}
    secure: set[str] = set()
    for key, value in stack_values.items():
        full_key = qualify(str(key), project.name)
        if _is_secure(value):
            secure.add(full_key)
            values.pop(full_key, None)
        else:
            values[full_key] = as_config_string(value)
    overridden = {qualify(key, project.name): value for key, value in overrides.items()}
    values.update(overridden)
    return StackConfig(
        values=dict(sorted(values.items())),
        # A secure key given in plain text on the command line is still a secret to Pulumi.
        secret_keys=frozenset(secure & overridden.keys()),
        absent_secure=tuple(sorted(secure - overridden.keys())),
    )


def parse_assignment(text: str) -> tuple[str, str]:
    """`KEY=VALUE` from the command line (the value may contain '=')."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        msg = f"expected KEY=VALUE, got {text!r}"
        raise ValueError(msg)
    return key, value
