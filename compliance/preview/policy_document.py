"""`aws:iam/getPolicyDocument:getPolicyDocument` computed as the AWS provider computes it.

The rules of terraform-provider-aws (internal/service/iam/policy_document_data_source.go and
policy_model.go): statements keep their order; keys come in the order Sid, Effect, Action,
NotAction, Resource, NotResource, Principal, NotPrincipal, Condition, and empty ones are left
out; a set of one string becomes that string, a longer set is sorted in reverse; principals and
conditions are objects with sorted keys, single condition values flattened; `&{` is written
`${`; source documents are merged first and override documents last, a statement with the same
Sid replacing the earlier one. The JSON is Go's: two-space indent, `<`, `>` and `&` escaped.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_VERSION = "2012-10-17"
_KEYS = (
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("notActions", "NotAction"),
    ("resources", "Resource"),
    ("notResources", "NotResource"),
    ("principals", "Principal"),
    ("notPrincipals", "NotPrincipal"),
    ("conditions", "Condition"),
)


class PolicyDocumentError(ValueError):
    """The arguments are ones the provider refuses (the message names the field)."""


def _string_set(values: Sequence[str], version: str) -> str | list[str]:
    """A set of strings as the provider writes it: one alone, several sorted in reverse."""
    unique = sorted({_variables(v, version) for v in values}, reverse=True)
    return unique[0] if len(unique) == 1 else unique


def _variables(value: str, version: str) -> str:
    if version == "2008-10-17" and "&{" in value:
        msg = f"found &{{ sequence in ({value}), not supported in document version 2008-10-17"
        raise PolicyDocumentError(msg)
    return value.replace("&{", "${")


def _principals(principals: Sequence[Mapping[str, Any]], version: str) -> Any:
    only = principals[0] if len(principals) == 1 else {}
    if only.get("type") == "*" and list(only.get("identifiers") or []) == ["*"]:
        return "*"
    merged: dict[str, Any] = {}
    for principal in principals:
        identifiers = _string_set(list(principal.get("identifiers") or []), version)
        kind = str(principal.get("type", ""))
        if kind not in merged:
            merged[kind] = identifiers
            continue
        before = merged[kind] if isinstance(merged[kind], list) else [merged[kind]]
        merged[kind] = before + (identifiers if isinstance(identifiers, list) else [identifiers])
    return dict(sorted(merged.items()))


def _conditions(conditions: Sequence[Mapping[str, Any]], version: str) -> dict[str, Any]:
    merged: dict[str, dict[str, list[str]]] = {}
    for condition in conditions:
        values = [_variables(str(v), version) for v in condition.get("values") or []]
        test = merged.setdefault(str(condition.get("test", "")), {})
        test.setdefault(str(condition.get("variable", "")), []).extend(values)
    return {
        test: {k: v[0] if len(v) == 1 else v for k, v in sorted(variables.items())}
        for test, variables in sorted(merged.items())
    }


def _statement(spec: Mapping[str, Any], version: str) -> dict[str, Any]:
    spec = {"effect": "Allow", **{k: v for k, v in spec.items() if v is not None}}
    statement: dict[str, Any] = {}
    for key, out in _KEYS:
        value = spec.get(key)
        if not value:
            continue
        if key in ("sid", "effect"):
            statement[out] = value
        elif key in ("principals", "notPrincipals"):
            statement[out] = _principals(value, version)
        elif key == "conditions":
            statement[out] = _conditions(value, version)
        elif key in ("actions", "notActions"):
            statement[out] = _string_set(value, "2012-10-17")
        else:
            statement[out] = _string_set(value, version)
    return statement


def _parsed(document: str, field: str) -> dict[str, Any]:
    try:
        data = json.loads(document)
    except json.JSONDecodeError as exc:
        msg = f"{field}: not a JSON policy document ({exc.msg})"
        raise PolicyDocumentError(msg) from exc
    statements = data.get("Statement") or []
    data["Statement"] = [statements] if isinstance(statements, dict) else list(statements)
    return data


def _merge(into: dict[str, Any], document: Mapping[str, Any]) -> None:
    """The provider's Merge: adopt Id, upgrade Version, replace statements by Sid."""
    if document.get("Id"):
        into["Id"] = document["Id"]
    if str(document.get("Version") or "") > str(into.get("Version") or ""):
        into["Version"] = document["Version"]
    for statement in document.get("Statement") or []:
        sid = statement.get("Sid")
        same = [i for i, s in enumerate(into["Statement"]) if sid and s.get("Sid") == sid]
        if same:
            into["Statement"][same[0]] = statement
        else:
            into["Statement"].append(statement)


def _go_json(value: Any, *, indent: int | None) -> str:
    text = json.dumps(value, indent=indent, separators=None if indent else (",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """The function's result for these (camelCase) arguments: `json`, `minifiedJson`, `id`."""
    version = args.get("version") or DEFAULT_VERSION
    merged: dict[str, Any] = {"Statement": []}
    sources = [args["sourceJson"]] if args.get("sourceJson") else []
    for i, source in enumerate([*sources, *(args.get("sourcePolicyDocuments") or [])]):
        document = _parsed(source, f"sourcePolicyDocuments[{i}]")
        sids = [s.get("Sid") for s in merged["Statement"] + document["Statement"] if s.get("Sid")]
        if len(sids) != len(set(sids)):
            msg = f"sourcePolicyDocuments[{i}]: duplicate Sid in source_policy_documents"
            raise PolicyDocumentError(msg)
        _merge(merged, document)
    specs = list(args.get("statements") or [])
    sids = [s.get("sid") for s in specs if s.get("sid")]
    if len(sids) != len(set(sids)):
        msg = f"statements: duplicate Sid ({sids}). Remove the Sid or ensure the Sid is unique."
        raise PolicyDocumentError(msg)
    own = {"Version": version, "Statement": [_statement(s, version) for s in specs]}
    if args.get("policyId"):
        own["Id"] = args["policyId"]
    _merge(merged, own)
    overrides = [*(args.get("overridePolicyDocuments") or [])]
    overrides += [args["overrideJson"]] if args.get("overrideJson") else []
    for i, override in enumerate(overrides):
        _merge(merged, _parsed(override, f"overridePolicyDocuments[{i}]"))
    document = {k: merged[k] for k in ("Version", "Id", "Statement") if merged.get(k)}
    pretty = _go_json(document, indent=2)
    return {
        **{k: v for k, v in args.items() if v is not None},
        "version": version,
        "json": pretty,
        "minifiedJson": _go_json(document, indent=None),
        "id": str(zlib.crc32(pretty.encode())),
    }
