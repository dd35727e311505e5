"""Captured Pulumi resources -> a Terraform plan JSON that checkov's terraform_plan framework reads.

checkov has no Pulumi framework; its Terraform plan reader is the closest door. It silently ignores
camelCase keys and, without `configuration` references, treats checks that look for a connected
resource as passing, so the conversion must be exact (docs/compliance-report.md, "The checkov
cross-scan").
Pure functions only: the scan itself lives in compliance/checkov/scan.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TERRAFORM_VERSION = "1.9.8"
SKIPS_FILE = Path(__file__).with_name("skips.yaml")

# Pulumi's wire marker for assets and archives (the Lambda code bundle).
_ASSET_SIG = "4dabf18193072939515e22adb298388d"
# Inputs that Terraform models as maps (free-form keys kept verbatim), not nested blocks.
_MAP_KEYS = frozenset({"tags", "tagsAll", "variables", "dimensions"})
# Inputs that Terraform holds as JSON strings.
_JSON_STRING_KEYS = frozenset(
    {"policy", "assumeRolePolicy", "redrivePolicy", "redriveAllowPolicy", "accessPolicy"}
)
# Pulumi input names whose Terraform attribute name differs beyond camelCase -> snake_case.
_RENAMES: dict[str, dict[str, str]] = {
    "aws_lambda_function": {"name": "function_name", "code": "filename"},
    "aws_dynamodb_table": {"attributes": "attribute"},
    "aws_iam_role": {"inlinePolicies": "inline_policy"},
}
# Output attributes whose values other resources refer to (ARN matching).
_REFERABLE_OUTPUTS = ("arn", "url", "functionUrl", "id", "name")


class ConversionError(ValueError):
    """The capture cannot be converted faithfully."""


@dataclass(frozen=True)
class PlanResource:
    """One converted resource: its Terraform address and the capture it came from."""

    address: str
    tf_type: str
    tf_name: str
    urn: str


def snake(name: str) -> str:
    """camelCase -> snake_case, as the Terraform AWS provider names attributes."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def terraform_type(pulumi_type: str) -> str:
    """`aws:lambda/functionUrl:FunctionUrl` -> `aws_lambda_function_url`."""
    match = re.fullmatch(r"aws:([a-zA-Z0-9]+)/([a-zA-Z0-9]+):[A-Za-z0-9]+", pulumi_type)
    if match is None:
        msg = f"not a pulumi-aws resource type token: {pulumi_type!r}"
        raise ConversionError(msg)
    return f"aws_{match.group(1).lower()}_{snake(match.group(2))}"


def terraform_name(name: str) -> str:
    """A Pulumi name as a valid HCL identifier (the stubs must match it by type and name)."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_-")
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"r_{cleaned}"


def is_scannable(resource: Mapping[str, Any]) -> bool:
    """pulumi-aws custom resources only: providers and components have no Terraform counterpart,
    and checkov's AWS checks have nothing to say about other providers' resources."""
    return bool(resource.get("custom")) and str(resource["type"]).startswith("aws:")


def not_scanned(resources: Iterable[Mapping[str, Any]]) -> list[str]:
    """Why each custom resource of another provider (random, tls, command...) is not in the plan."""
    return [
        f"{r['urn']}: {r['type']} is not a pulumi-aws resource: not converted for checkov"
        for r in resources
        if r.get("custom") and not str(r["type"]).startswith("pulumi:") and not is_scannable(r)
    ]


def _mapping(key: str, value: Mapping[str, Any]) -> Any:
    """A Pulumi object: an asset (its path), a Terraform map (keys verbatim) or a block."""
    if _ASSET_SIG in value:
        return value.get("path") or value.get("uri") or ""
    if key in _MAP_KEYS:
        return {k: _value("", v) for k, v in value.items() if v is not None}
    return [_block(value)]


def _value(key: str, value: Any) -> Any:
    """Convert one input value; `key` is its Pulumi name (decides maps vs blocks vs JSON)."""
    if key in _JSON_STRING_KEYS and value is not None and not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Mapping):
        return _mapping(key, value)
    if isinstance(value, list):
        return [_block(v) if isinstance(v, Mapping) else _value("", v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _block(values: Mapping[str, Any], renames: Mapping[str, str] | None = None) -> dict[str, Any]:
    renames = renames or {}
    out: dict[str, Any] = {}
    for key, raw in values.items():
        converted = _value(key, raw)
        if converted is not None:
            out[renames.get(key, snake(key))] = converted
    return out


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def plan_resources(resources: Iterable[Mapping[str, Any]]) -> list[PlanResource]:
    """Give every scannable resource a unique Terraform address (stable: input order)."""
    taken: set[str] = set()
    out: list[PlanResource] = []
    for res in resources:
        if not is_scannable(res):
            continue
        tf_type = terraform_type(str(res["type"]))
        base = terraform_name(str(res["name"]))
        tf_name, n = base, 1
        while f"{tf_type}.{tf_name}" in taken:
            n += 1
            tf_name = f"{base}_{n}"
        taken.add(f"{tf_type}.{tf_name}")
        out.append(PlanResource(f"{tf_type}.{tf_name}", tf_type, tf_name, str(res["urn"])))
    return out


def to_terraform_plan(resources: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Build the plan JSON: planned values (snake_case) plus `configuration` references.

    References come from the captured propertyDependencies and, for values that only carry an
    ARN/URL/name (e.g. JSON documents, or a capture without dependencies), from matching the
    value against another resource's outputs.
    """
    plan = plan_resources(resources)
    by_urn = {p.urn: p for p in plan}
    captured = {str(r["urn"]): r for r in resources}
    referable: dict[str, str] = {}
    for p in plan:
        outputs = captured[p.urn].get("outputs") or {}
        for attr in _REFERABLE_OUTPUTS:
            value = outputs.get(attr)
            if isinstance(value, str) and len(value) > 3:
                referable.setdefault(value, p.address)

    planned: list[dict[str, Any]] = []
    configured: list[dict[str, Any]] = []
    for p in plan:
        res = captured[p.urn]
        inputs: Mapping[str, Any] = res.get("inputs") or {}
        values = _block(inputs, _RENAMES.get(p.tf_type))
        arn = (res.get("outputs") or {}).get("arn")
        if isinstance(arn, str):
            values.setdefault("arn", arn)
        renames = _RENAMES.get(p.tf_type, {})
        refs: dict[str, set[str]] = {}
        for key, urns in (res.get("propertyDependencies") or {}).items():
            targets = {by_urn[u].address for u in urns if u in by_urn and u != p.urn}
            if targets:
                refs.setdefault(renames.get(key, snake(key)), set()).update(targets)
        for key, value in inputs.items():
            for text in _strings(value):
                target = referable.get(text)
                if target and target != p.address:
                    refs.setdefault(renames.get(key, snake(key)), set()).add(target)
        planned.append(
            {
                "address": p.address,
                "mode": "managed",
                "type": p.tf_type,
                "name": p.tf_name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0,
                "values": values,
            }
        )
        expressions = {
            attr: {"references": [ref for t in sorted(targets) for ref in (f"{t}.arn", t)]}
            for attr, targets in sorted(refs.items())
        }
        configured.append(
            {
                "address": p.address,
                "mode": "managed",
                "type": p.tf_type,
                "name": p.tf_name,
                "provider_config_key": "aws",
                "expressions": expressions,
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}
            },
            "root_module": {"resources": configured},
        },
    }


@dataclass(frozen=True)
class SkipRule:
    """A checkov check that conflicts with a requirement of this platform, and why."""

    check: str
    resource_type: str
    reason: str
    only_tagged: Mapping[str, str] | None = None


def load_skip_rules(path: Path = SKIPS_FILE) -> list[SkipRule]:
    """Read the written reasons (compliance/checkov/skips.yaml)."""
    data = yaml.safe_load(path.read_text())
    rules = []
    for item in data["skips"]:
        reason = " ".join(str(item["reason"]).split())
        if not reason:
            msg = f"{path}: skip of {item['check']} has no reason"
            raise ConversionError(msg)
        rules.append(
            SkipRule(item["check"], item["resource_type"], reason, item.get("only_tagged"))
        )
    return rules


def _tags_in_reach(res: Mapping[str, Any], captured: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """The resource's own tags and those of the resources it depends on (a URL's function)."""
    found = [dict((res.get("inputs") or {}).get("tags") or {})]
    for urns in (res.get("propertyDependencies") or {}).values():
        found += [
            dict((captured[u].get("inputs") or {}).get("tags") or {}) for u in urns if u in captured
        ]
    return found


def skip_stubs(resources: list[Mapping[str, Any]], rules: list[SkipRule]) -> dict[str, list[str]]:
    """Which checks to suppress on which address: {address: ["CHECK:reason", ...]}."""
    captured = {str(r["urn"]): r for r in resources}
    out: dict[str, list[str]] = {}
    for p in plan_resources(resources):
        for rule in rules:
            if rule.resource_type != p.tf_type:
                continue
            if rule.only_tagged is not None:
                wanted = dict(rule.only_tagged)
                tags = _tags_in_reach(captured[p.urn], captured)
                if not any(wanted.items() <= t.items() for t in tags):
                    continue
            out.setdefault(p.address, []).append(f"{rule.check}:{rule.reason}")
    return out


def render_stub(skips: Mapping[str, list[str]]) -> str:
    """The .tf text checkov reads through --repo-root-for-plan-enrichment."""
    blocks = []
    for address in sorted(skips):
        tf_type, tf_name = address.split(".", 1)
        lines = [f'resource "{tf_type}" "{tf_name}" {{']
        lines += [f"  # checkov:skip={entry}" for entry in skips[address]]
        blocks.append("\n".join([*lines, "}"]))
    return "# Generated by compliance/checkov/plan.py: do not edit.\n" + "\n\n".join(blocks) + "\n"
