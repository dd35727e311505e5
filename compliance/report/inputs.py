"""The real engine's views of a stack, as the captured-resource model of `compliance preview`.

`pulumi preview --json` (a PreviewDigest: `steps[].newState`) and `pulumi stack export` (an
UntypedDeployment: `deployment.resources[]`, or a state file's `checkpoint.latest`) both carry
ResourceV3 states: urn, type, custom, inputs, outputs, parent, provider (`urn::id`),
propertyDependencies, protect, retainOnDelete. Converting them to the capture's dict shape lets the
same policies, checkov conversion and report run on what the engine (or the deployed state) really
holds. Secrets never survive the conversion: whatever form the file gives them in (ciphertext,
`--show-secrets` plaintext, a secret output value, the preview's "[secret]"), the capture holds
SECRET and the path. Every malformed input is an InputFormatError naming the file, the resource
and the field. Pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from compliance.preview.wire import SECRET_SIGNATURE, SIGNATURE_KEY, UNKNOWN, property_path

# What every file the report writes shows in place of a secret value (as `pulumi preview --json`).
SECRET = "[secret]"  # noqa: S105 - the mask, not a secret
# sdk/go/common/resource/sig: an output value ({sig, value?, secret?, dependencies?}) in v4 state.
OUTPUT_VALUE_SIGNATURE = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
# apitype.DeploymentSchemaVersionCurrent (3) and ...Latest (4: written when `features` are used).
DEPLOYMENT_VERSIONS = (3, 4)
# Steps whose resource is not part of the desired state once the update finishes.
_GONE_OPS = frozenset({"delete", "delete-replaced", "discard", "discard-replaced", "read-discard"})
# Steps whose desired state may come only as oldState (a `same` step's states are equal).
_UNCHANGED_OPS = frozenset({"same", "refresh"})


class InputFormatError(ValueError):
    """The file is not the Pulumi output it was given as."""


def _is_secret(value: Any) -> bool:
    if value == SECRET:  # `pulumi preview --json` masks secrets so
        return True
    if not isinstance(value, Mapping):
        return False
    sig = value.get(SIGNATURE_KEY)
    return sig == SECRET_SIGNATURE or (sig == OUTPUT_VALUE_SIGNATURE and bool(value.get("secret")))


def _plain(value: Any, path: str, secrets: list[str]) -> Any:
    """Unknowns -> None; secrets -> SECRET with their paths noted; output values unwrapped."""
    if _is_secret(value):
        secrets.append(path)
        return SECRET
    if isinstance(value, Mapping):
        if value.get(SIGNATURE_KEY) == OUTPUT_VALUE_SIGNATURE:  # no "value": an unknown output
            return _plain(value.get("value"), path, secrets)
        return {
            str(k): _plain(value[k], property_path(path, str(k)), secrets) for k in sorted(value)
        }
    if isinstance(value, list):
        return [_plain(v, property_path(path, i), secrets) for i, v in enumerate(value)]
    return None if value == UNKNOWN else value


def _field(state: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    """state[key] when absent/null or of `kind`; else an error naming the field and its value."""
    value = state.get(key)
    if value is None or isinstance(value, kind):
        return value
    msg = f"{where}: `{key}` is {json.dumps(value)[:120]}, expected {_kind_name(kind)}"
    raise InputFormatError(msg)


def _kind_name(kind: type) -> str:
    names = {Mapping: "an object", list: "a list", str: "a string", bool: "true or false"}
    return names.get(kind, kind.__name__)


def _strings(value: list[Any] | None, key: str, where: str) -> list[str]:
    """A list of URNs/keys; null (as real state holds for propertyDependencies) is empty."""
    for item in value or []:
        if not isinstance(item, str):
            msg = f"{where}: `{key}` holds {json.dumps(item)[:120]}, expected strings"
            raise InputFormatError(msg)
    return list(value or [])


def resource_from_state(state: Any, where: str = "input") -> dict[str, Any]:
    """One ResourceV3 state -> one captured resource (the `compliance preview` JSON shape)."""
    if not isinstance(state, Mapping):
        msg = f"{where}: a resource state is {json.dumps(state)[:120]}, expected an object"
        raise InputFormatError(msg)
    for key in ("urn", "type"):
        if not isinstance(state.get(key), str) or not state[key]:
            msg = f"{where}: resource state without a {key!r}: {json.dumps(state)[:200]}"
            raise InputFormatError(msg)
    urn = str(state["urn"])
    where = f"{where}: {urn}"
    secrets: list[str] = []
    inputs = _plain(_field(state, "inputs", Mapping, where) or {}, "", secrets)
    outputs = _plain(_field(state, "outputs", Mapping, where) or {}, "", [])
    provider = _field(state, "provider", str, where)
    dependencies = _field(state, "propertyDependencies", Mapping, where) or {}
    return {
        "urn": urn,
        "type": state["type"],
        "name": urn.rsplit("::", 1)[-1],
        "parent": _field(state, "parent", str, where) or None,
        "provider": provider.rpartition("::")[0] or None if provider else None,
        "custom": bool(_field(state, "custom", bool, where)),
        "inputs": inputs,
        "secretInputs": sorted(set(secrets)),
        "propertyDependencies": {
            str(k): _strings(_field(dependencies, k, list, where), k, where)
            for k in sorted(dependencies)
        },
        "outputs": outputs,
        "options": {
            "protect": bool(_field(state, "protect", bool, where)),
            "retainOnDelete": bool(_field(state, "retainOnDelete", bool, where)),
            "deleteBeforeReplace": bool(_field(state, "deleteBeforeReplace", bool, where)),
            "ignoreChanges": _strings(
                _field(state, "ignoreChanges", list, where), "ignoreChanges", where
            ),
            "dependsOn": _strings(
                _field(state, "dependencies", list, where), "dependencies", where
            ),
        },
    }


def _stack_name(resources: list[dict[str, Any]]) -> str:
    """urn:pulumi:<stack>::<project>::<type>::<name> -> <stack> (the root stack's, if present)."""
    root = [r for r in resources if r["type"] == "pulumi:pulumi:Stack"] or resources
    return str(root[0]["urn"]).split(":", 3)[2].split("::", 1)[0] if root else ""


def _capture(resources: list[dict[str, Any]], source: str, notes: list[str]) -> dict[str, Any]:
    resources.sort(key=lambda r: r["urn"])
    return {
        "program": source,
        "stack": _stack_name(resources),
        "resources": resources,
        "notes": notes,
    }


def _document(doc: Any, source: str, expected: str) -> Mapping[str, Any]:
    if not isinstance(doc, Mapping):
        kind = type(doc).__name__
        msg = f"{source}: the top level is {kind}, expected the object {expected} writes"
        raise InputFormatError(msg)
    return doc


def from_preview_json(doc: Any, source: str = "input") -> dict[str, Any]:
    """`pulumi preview --json` -> capture: every step's desired state.

    The CLI lists unchanged resources only with `--show-sames`; when `changeSummary` counts more
    unchanged resources than the steps hold, the capture's `notes` say what is missing.
    """
    doc = _document(doc, source, "`pulumi preview --json`")
    if "resourcePlans" in doc:
        msg = (
            f"{source}: an update plan (`pulumi preview --save-plan`), not `pulumi preview --json`"
        )
        raise InputFormatError(msg)
    if "deployment" in doc or "checkpoint" in doc:
        msg = f"{source}: stack state, not `pulumi preview --json`: use --from-stack-export"
        raise InputFormatError(msg)
    if "steps" not in doc and "changeSummary" not in doc:
        msg = f"{source}: no `steps` and no `changeSummary`: not `pulumi preview --json` output"
        raise InputFormatError(msg)
    try:
        steps = _field(doc, "steps", list, source) or []
        summary = _field(doc, "changeSummary", Mapping, source) or {}
    except InputFormatError as exc:
        msg = f"{exc}: not `pulumi preview --json` output"
        raise InputFormatError(msg) from None
    by_urn: dict[str, dict[str, Any]] = {}
    same = 0
    for n, step in enumerate(steps):
        where = f"{source}: steps[{n}]"
        if not isinstance(step, Mapping) or not isinstance(step.get("op"), str):
            msg = f"{where}: a step without an `op`: {json.dumps(step)[:200]}"
            raise InputFormatError(msg)
        op = step["op"]
        same += op == "same"
        if op in _GONE_OPS:
            continue
        state = step.get("newState") or (step.get("oldState") if op in _UNCHANGED_OPS else None)
        if state is None:
            msg = f"{where}: a {op!r} step of {step.get('urn')} without a `newState`"
            raise InputFormatError(msg)
        resource = resource_from_state(state, where)
        by_urn[resource["urn"]] = resource
    notes = []
    unlisted = summary.get("same", 0) - same if isinstance(summary.get("same"), int) else 0
    if unlisted > 0:
        notes.append(
            f"{source}: {unlisted} unchanged resources are not in the file (`pulumi preview "
            "--json` lists them only with --show-sames): the report covers the others only"
        )
    return _capture(list(by_urn.values()), source, notes)


def _deployment(doc: Mapping[str, Any], source: str) -> Mapping[str, Any] | None:
    """The DeploymentV3 of an UntypedDeployment (`pulumi stack export`, the service API's
    "Get stack state") or of a state file's CheckpointV3 (`{version, checkpoint: {latest}}`)."""
    version = doc.get("version")
    if version not in DEPLOYMENT_VERSIONS:
        readable = " and ".join(map(str, DEPLOYMENT_VERSIONS))
        msg = f"{source}: deployment schema version {json.dumps(version)}; this reads {readable}"
        raise InputFormatError(msg)
    if "checkpoint" in doc:
        checkpoint = _field(doc, "checkpoint", Mapping, source) or {}
        return _field(checkpoint, "latest", Mapping, f"{source}: checkpoint")  # None: never updated
    deployment = _field(doc, "deployment", Mapping, source)
    if deployment is None:
        msg = f"{source}: no `deployment`: not `pulumi stack export` output"
        raise InputFormatError(msg)
    return deployment


def from_stack_export(doc: Any, source: str = "input") -> dict[str, Any]:
    """`pulumi stack export` (or a state file) -> capture; pending deletes are left out."""
    doc = _document(doc, source, "`pulumi stack export`")
    if "steps" in doc or "changeSummary" in doc:
        msg = f"{source}: `pulumi preview --json` output, not stack state: use --from-preview"
        raise InputFormatError(msg)
    if "deployment" not in doc and "checkpoint" not in doc:
        msg = f"{source}: no `deployment`: not `pulumi stack export` output"
        raise InputFormatError(msg)
    deployment = _deployment(doc, source) or {}
    where = f"{source}: deployment"
    states = _field(deployment, "resources", list, where) or []  # omitted when the stack is empty
    resources = [
        resource_from_state(s, f"{where}.resources[{n}]")
        for n, s in enumerate(states)
        if not (isinstance(s, Mapping) and s.get("delete"))
    ]
    notes = [f"{source}: the state holds no resources (a stack never deployed?)"] * (not resources)
    return _capture(resources, source, notes)


def mask_secrets(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resource with SECRET at every path in its `secretInputs`, in inputs and outputs alike
    (the engine makes an output secret when the input of that name is): whatever produced the
    capture, no file written from it can hold a secret value."""
    paths = frozenset(resource.get("secretInputs") or ())
    masked = dict(resource)
    for key in ("inputs", "outputs"):
        masked[key] = _masked(resource.get(key) or {}, "", paths)
    return masked


def _masked(value: Any, path: str, paths: frozenset[str]) -> Any:
    if path in paths:
        return SECRET
    if isinstance(value, Mapping):
        return {k: _masked(v, property_path(path, k), paths) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, property_path(path, i), paths) for i, v in enumerate(value)]
    return value


def mask_config(config: Mapping[str, str], secret_keys: Collection[str]) -> dict[str, str]:
    """`--config` values as the report may echo them: SECRET for every secret key, named with or
    without its namespace (`stripeSigningSecret` and `payment-webhooks:stripeSigningSecret`)."""
    return {
        key: SECRET if key in secret_keys or key.rpartition(":")[2] in secret_keys else value
        for key, value in config.items()
    }
