"""Pure translation of what the resource monitor received (protobuf messages as dicts) into
`Resource` records: unknowns to None, secrets unwrapped with their paths, resource references
downgraded as the engine hands them to policies, provider references to URNs, explicit
dependencies separated from the ones the inputs imply.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from compliance.preview.model import Resource, ResourceOptions
from compliance.preview.paths import paths_containing, property_path

# Wire-format constants of the Pulumi gRPC protocol (pulumi/runtime/rpc.py, sdk/go/common/...).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (a type tag, not a secret)
RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"


def is_secret(value: object) -> bool:
    return isinstance(value, dict) and value.get(SIGNATURE_KEY) == SECRET_SIGNATURE


def plain(value: Any, path: str = "", secrets: list[str] | None = None) -> Any:
    """`value` with unknowns as None and secrets unwrapped, dict keys sorted (for stable JSON).

    The path of every secret met is appended to `secrets` when given.
    """
    if value == UNKNOWN:
        return None
    if is_secret(value):
        if secrets is not None and path not in secrets:
            secrets.append(path)
        return plain(value.get("value"), path, secrets)
    if isinstance(value, dict):
        return {k: plain(value[k], property_path(path, k), secrets) for k in sorted(value)}
    if isinstance(value, list):
        return [plain(v, property_path(path, i), secrets) for i, v in enumerate(value)]
    return value


def is_resource_reference(value: object) -> bool:
    return isinstance(value, dict) and value.get(SIGNATURE_KEY) == RESOURCE_SIGNATURE


def without_resource_references(value: Any) -> Any:
    """Resource references as the engine hands them to analyzers, which it marshals without
    keeping resources: a custom resource becomes its id (unknown while it has none), a
    component its URN. pulumi-policy cannot read the references themselves."""
    if is_resource_reference(value):
        if "id" in value:
            return value["id"] or UNKNOWN
        return value.get("urn", UNKNOWN)
    if isinstance(value, dict):
        return {k: without_resource_references(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_resource_references(v) for v in value]
    return value


def provider_urn(reference: str) -> str | None:
    """A provider reference is `<urn>::<id>` (the id may be the unknown sentinel): keep the URN."""
    urn = reference.rpartition("::")[0]
    return urn or None


def capture(
    urn: str,
    request: Mapping[str, Any],
    outputs: Mapping[str, Any],
    invented: Collection[str] = (),
) -> Resource:
    """The `Resource` record for one RegisterResourceRequest (as `MessageToDict` renders it).

    `invented` are the strings placeholder data-source answers made up: the inputs holding one
    are listed as `placeholder_inputs`.

    The request carries `dependencies` = explicit `depends_on` + every input's dependencies, and
    `propertyDependencies` = the inputs' dependencies only. `dependsOn` is the difference: an
    explicit `depends_on` on a resource that an input already depends on cannot be told apart
    on the wire, and is not listed (it changes nothing for the engine either).
    """
    wire_inputs = without_resource_references(dict(request.get("object", {})))
    secrets: list[str] = []
    inputs = plain(wire_inputs, "", secrets)
    property_dependencies = {
        key: tuple(sorted(deps.get("urns", [])))
        for key, deps in sorted(request.get("propertyDependencies", {}).items())
    }
    implied = {urn for deps in property_dependencies.values() for urn in deps}
    options = ResourceOptions(
        protect=bool(request.get("protect", False)),
        retain_on_delete=bool(request.get("retainOnDelete", False)),
        delete_before_replace=bool(request.get("deleteBeforeReplace", False)),
        ignore_changes=tuple(request.get("ignoreChanges", [])),
        depends_on=tuple(sorted(set(request.get("dependencies", [])) - implied)),
    )
    return Resource(
        urn=urn,
        type=request["type"],
        name=request["name"],
        parent=request.get("parent") or None,
        provider=provider_urn(request.get("provider", "")),
        custom=bool(request.get("custom", False)),
        inputs=inputs,
        secret_inputs=tuple(secrets),
        property_dependencies=property_dependencies,
        outputs=plain(dict(outputs)),
        options=options,
        wire_inputs=wire_inputs,
        remote=bool(request.get("remote", False)),
        placeholder_inputs=tuple(paths_containing(inputs, invented)),
    )
