"""Reading the JSON and YAML files the tooling consumes, with one error type that names the file.

Every command reads user-supplied or generated files (stack outputs, Pulumi JSON, the catalog,
manifests, bench results); a file that is missing or does not parse is a usage problem the
caller reports (exit 2), never a traceback, and the message says which file and why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


class FileFormatError(ValueError):
    """A file could not be read, did not parse, or is not the shape the caller needs."""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read {path}: {exc}"
        raise FileFormatError(msg) from exc


def read_json(path: Path) -> Any:
    """The parsed JSON document in ``path``."""
    try:
        return json.loads(_text(path))
    except (ValueError, RecursionError) as exc:
        msg = f"{path} is not JSON: {exc}"
        raise FileFormatError(msg) from exc


def read_yaml(path: Path) -> Any:
    """The parsed YAML document in ``path`` (an empty file is None)."""
    try:
        return yaml.safe_load(_text(path))
    except yaml.YAMLError as exc:
        msg = f"{path} is not YAML: {exc}"
        raise FileFormatError(msg) from exc


def read_object(path: Path, *, what: str) -> dict[str, Any]:
    """A JSON or YAML (by suffix) document that must be an object; ``what`` names it."""
    doc = read_yaml(path) if path.suffix in (".yaml", ".yml") else read_json(path)
    if not isinstance(doc, dict):
        msg = f"{path}: expected {what} (an object), got {type(doc).__name__}"
        raise FileFormatError(msg)
    return doc
