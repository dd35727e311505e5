"""The real engine's views of a stack, as the captured-resource model of `compliance preview`.

`pulumi preview --json` (a PreviewDigest: `steps[].newState`) and `pulumi stack export` (an
UntypedDeployment: `deployment.resources[]`) both carry ResourceV3 states: urn, type, custom,
inputs, outputs, parent, provider (`urn::id`), propertyDependencies, protect, retainOnDelete.
Converting them to the capture's dict shape lets the same policies, checkov conversion and report
run on what the engine (or the deployed state) really holds. Pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from compliance.preview.wire import SECRET_SIGNATURE, SIGNATURE_KEY, UNKNOWN, property_path

# Steps whose resource is not part of the desired state once the update finishes.
_GONE_OPS = frozenset({"delete", "delete-replaced", "discard", "discard-replaced", "read-discard"})


class InputFormatError(ValueError):
    """The file is not the Pulumi output it was given as."""


def _unwrap_secret(value: Mapping[str, Any]) -> Any:
    """A state secret's value: plaintext (`stack export --show-secrets`) or None (ciphertext)."""
    if "plaintext" in value:
        return json.loads(value["plaintext"])
    return value.get("value")


def _plain(value: Any, path: str, secrets: list[str]) -> Any:
    """Unknowns -> None; secrets unwrapped when readable (else None), their paths noted."""
    is_secret = isinstance(value, Mapping) and value.get(SIGNATURE_KEY) == SECRET_SIGNATURE
    if is_secret or value == "[secret]":  # `pulumi preview --json` masks secrets as "[secret]"
        secrets.append(path)
        return _plain(_unwrap_secret(value), path, []) if is_secret else None
    if isinstance(value, Mapping):
        return {k: _plain(value[k], property_path(path, k), secrets) for k in sorted(value)}
    if isinstance(value, list):
        return [_plain(v, property_path(path, i), secrets) for i, v in enumerate(value)]
    return None if value == UNKNOWN else value


def resource_from_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """One ResourceV3 state -> one captured resource (the `compliance preview` JSON shape)."""
    for key in ("urn", "type"):
        if not isinstance(state.get(key), str):
            msg = f"resource state without a {key!r}: {json.dumps(state)[:200]}"
            raise InputFormatError(msg)
    urn = str(state["urn"])
    secrets: list[str] = []
    inputs = _plain(state.get("inputs") or {}, "", secrets)
    outputs = _plain(state.get("outputs") or {}, "", [])
    provider = state.get("provider")
    return {
        "urn": urn,
        "type": state["type"],
        "name": urn.rsplit("::", 1)[-1],
        "parent": state.get("parent"),
        "provider": str(provider).rpartition("::")[0] or None if provider else None,
        "custom": bool(state.get("custom")),
        "inputs": inputs,
        "secretInputs": sorted(set(secrets)),
        "propertyDependencies": {
            k: list(v) for k, v in (state.get("propertyDependencies") or {}).items()
        },
        "outputs": outputs,
        "options": {
            "protect": bool(state.get("protect")),
            "retainOnDelete": bool(state.get("retainOnDelete")),
            "deleteBeforeReplace": bool(state.get("deleteBeforeReplace")),
            "ignoreChanges": list(state.get("ignoreChanges") or []),
            "dependsOn": list(state.get("dependencies") or []),
        },
    }


def _stack_name(resources: list[dict[str, Any]]) -> str:
    for r in resources:
        if r["type"] == "pulumi:pulumi:Stack":
            # urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::<project>-<stack>
            return str(r["urn"]).split(":", 3)[2].split("::", 1)[0]
    return str(resources[0]["urn"]).split(":", 3)[2].split("::", 1)[0] if resources else ""


def _capture(resources: list[dict[str, Any]], source: str) -> dict[str, Any]:
    resources.sort(key=lambda r: r["urn"])
    return {"program": source, "stack": _stack_name(resources), "resources": resources}


def from_preview_json(doc: Mapping[str, Any], source: str = "") -> dict[str, Any]:
    """`pulumi preview --json` -> capture: every step's newState (the desired state)."""
    steps = doc.get("steps")
    if not isinstance(steps, list):
        msg = f"{source or 'input'}: no `steps` list: not `pulumi preview --json` output"
        raise InputFormatError(msg)
    by_urn: dict[str, dict[str, Any]] = {}
    for step in steps:
        state = step.get("newState")
        if step.get("op") in _GONE_OPS or not state:
            continue
        by_urn[str(state.get("urn"))] = resource_from_state(state)
    return _capture(list(by_urn.values()), source)


def from_stack_export(doc: Mapping[str, Any], source: str = "") -> dict[str, Any]:
    """`pulumi stack export` -> capture: `deployment.resources` (pending deletes left out)."""
    resources = (doc.get("deployment") or {}).get("resources")
    if not isinstance(resources, list):
        msg = f"{source or 'input'}: no `deployment.resources`: not `pulumi stack export` output"
        raise InputFormatError(msg)
    return _capture([resource_from_state(r) for r in resources if not r.get("delete")], source)
