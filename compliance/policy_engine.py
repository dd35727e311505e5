"""Evaluate a CrossGuard policy pack offline, the way the Pulumi engine does under `--policy-pack`.

The pack is loaded by running its own ``__main__.py`` (as the CLI's analyzer host does, with
``runpy``) while ``pulumi_policy.PolicyPack`` is replaced by a class that records its arguments
instead of starting the blocking gRPC server; so any pack directory works and ``__main__.py`` stays
the single place a pack is assembled.

Evaluation follows pulumi-policy's analyzer (``_PolicyAnalyzerServicer``) and the CLI's config
reconciliation: per resource, remediations (policies at level ``remediate``) then resource
policies on the remediated inputs; then stack policies over every resource. A policy's level is
the per-policy config level, else the config's ``all`` level, else the policy's own, else the
pack's. Config properties start from the schema defaults, then the pack's ``initial_config``,
then the user's file; they are validated against the schema and handed over as protobuf would
(numbers as floats). A policy that reads an unknown value is reported as the engine does: an
advisory "can't run policy ... during preview" finding, never a violation.

Resources are dicts in the ``compliance preview`` JSON format (README "The offline
preview"): ``inputs`` with unknowns as null. An optional ``wireInputs`` key (the exact wire
inputs, unknown sentinels included) is used instead when present.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import runpy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from inspect import isawaitable
from pathlib import Path
from typing import Any

import pulumi_policy
import pulumi_policy.policy
import yaml
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties, serialize_properties
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from compliance.preview.model import Violation

DEFAULT_PACK_DIR = Path(__file__).resolve().parent.parent / "policies"
_DEFAULT_PACK_VERSION = "0.0.1"  # what pulumi-policy reports when PulumiPolicy.yaml has none
_LEVELS = {level.value: level for level in EnforcementLevel}


class PolicyEngineError(Exception):
    """The pack, its config or a policy could not be evaluated (the message says which)."""


@dataclass(frozen=True)
class Pack:
    """A policy pack as its ``__main__.py`` constructed it."""

    name: str
    version: str
    policies: tuple[Policy, ...]
    enforcement_level: EnforcementLevel
    initial_config: Mapping[str, Any]


@dataclass(frozen=True)
class PolicySettings:
    """A policy's reconciled enforcement level and config properties."""

    level: EnforcementLevel
    properties: Mapping[str, Any]


class OfflineResourceOptions(PolicyResourceOptions):
    """Resource options plus ``retain_on_delete``, which the real engine hides from policies."""

    def __init__(self, *, retain_on_delete: bool, **options: Any) -> None:
        super().__init__(**options)
        self.retain_on_delete = retain_on_delete


# --- loading a pack ---------------------------------------------------------------------------


class _Captured(BaseException):
    """Raised by the stand-in PolicyPack to stop the pack's ``__main__`` where the real one
    would block; a BaseException so that a pack's own ``except Exception`` cannot swallow it."""

    def __init__(self, kwargs: dict[str, Any]) -> None:
        super().__init__("PolicyPack constructed")
        self.kwargs = kwargs


def _capture(
    name: str,
    policies: list[Policy],
    enforcement_level: EnforcementLevel | None = None,
    initial_config: dict[str, Any] | None = None,
    **_metadata: Any,
) -> None:
    raise _Captured(
        {
            "name": name,
            "policies": policies,
            "enforcement_level": enforcement_level,
            "initial_config": initial_config,
        }
    )


@contextlib.contextmanager
def _capturing_policy_pack() -> Iterator[None]:
    saved = pulumi_policy.PolicyPack, pulumi_policy.policy.PolicyPack
    pulumi_policy.PolicyPack = pulumi_policy.policy.PolicyPack = _capture  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        pulumi_policy.PolicyPack, pulumi_policy.policy.PolicyPack = saved  # type: ignore[misc]


def _pack_version(pack_dir: Path) -> str:
    project = pack_dir / "PulumiPolicy.yaml"
    if not project.is_file():
        msg = f"{pack_dir} is not a policy pack: it has no PulumiPolicy.yaml"
        raise PolicyEngineError(msg)
    data = yaml.safe_load(project.read_text()) or {}
    return str(data.get("version") or _DEFAULT_PACK_VERSION)


@cache
def _load_pack(pack_dir: Path) -> Pack:
    version = _pack_version(pack_dir)
    if not (pack_dir / "__main__.py").is_file():
        msg = f"{pack_dir} has no __main__.py constructing a PolicyPack"
        raise PolicyEngineError(msg)
    try:
        with _capturing_policy_pack():
            runpy.run_path(str(pack_dir), run_name="__main__")
    except _Captured as captured:
        args = captured.kwargs
    else:
        msg = f"{pack_dir}/__main__.py never constructs a PolicyPack"
        raise PolicyEngineError(msg)
    policies = args["policies"]
    if not policies or not all(isinstance(p, Policy) for p in policies):
        msg = f"{pack_dir}: PolicyPack needs a non-empty list of pulumi_policy.Policy objects"
        raise PolicyEngineError(msg)
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        msg = (
            f"{pack_dir}: duplicate policy names {sorted({n for n in names if names.count(n) > 1})}"
        )
        raise PolicyEngineError(msg)
    return Pack(
        name=args["name"],
        version=version,
        policies=tuple(policies),
        enforcement_level=args["enforcement_level"] or EnforcementLevel.ADVISORY,
        initial_config=args["initial_config"] or {},
    )


def load_pack(pack_dir: str | Path = DEFAULT_PACK_DIR) -> Pack:
    """The pack in ``pack_dir`` (loaded once per process; its gRPC server is never started)."""
    return _load_pack(Path(pack_dir).resolve())


# --- configuration ----------------------------------------------------------------------------


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
    text = Path(path).read_text()
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        msg = f"{path}: not JSON ({e.msg} at line {e.lineno})"
        raise PolicyEngineError(msg) from e
    if not isinstance(data, dict):
        msg = f"{path}: the policy pack config must be a JSON object keyed by policy name"
        raise PolicyEngineError(msg)
    return data


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}


def _schema_errors(value: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    """The JSON-schema keywords policy config schemas use: type, enum, bounds, pattern, items."""
    kind = schema.get("type")
    if isinstance(kind, str) and kind in _JSON_TYPES:
        bad_bool = isinstance(value, bool) and kind != "boolean"
        bad_int = kind == "integer" and isinstance(value, float) and not value.is_integer()
        if not isinstance(value, _JSON_TYPES[kind]) or bad_bool or bad_int:
            return [f"{where}: {value!r} is not of type {kind}"]
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value!r} is less than the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value!r} is more than the maximum {schema['maximum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list | tuple) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            errors += _schema_errors(item, schema["items"], f"{where}[{i}]")
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
    errors = []
    for policy in pack.policies:
        schema = policy.config_schema
        if schema is None:
            continue
        props = properties[policy.name]
        errors += [
            f"{policy.name}: {r} is required" for r in schema.required or [] if r not in props
        ]
        for key, value in props.items():
            if key in schema.properties:
                errors += _schema_errors(value, schema.properties[key], f"{policy.name}.{key}")
    if errors:
        msg = "policy pack configuration is invalid:\n  " + "\n  ".join(errors)
        raise PolicyEngineError(msg)
    return {
        name: PolicySettings(levels[name], _as_wire(properties[name])) for name in sorted(known)
    }


# --- evaluation -------------------------------------------------------------------------------


def _unknowns_as_sentinels(value: Any) -> Any:
    """Preview JSON marks unknowns as null; the engine sends a sentinel (and numbers as floats)."""
    if value is None:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _unknowns_as_sentinels(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknowns_as_sentinels(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _run(result: Any) -> Any:
    """Await a policy's coroutine the way the analyzer does (a fresh event loop)."""
    if not isawaitable(result):
        return result
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(asyncio.ensure_future(result, loop=loop))
    finally:
        loop.close()


@contextlib.contextmanager
def _stack_environment(stack: str | None) -> Iterator[None]:
    """Set PULUMI_STACK as the CLI does for the analyzer process, restoring it afterwards."""
    if stack is None:
        yield
        return
    saved = os.environ.get("PULUMI_STACK")
    os.environ["PULUMI_STACK"] = stack
    try:
        yield
    finally:
        if saved is None:
            del os.environ["PULUMI_STACK"]
        else:
            os.environ["PULUMI_STACK"] = saved


@dataclass
class _Resource:
    """A captured resource, decoded once."""

    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    inputs: dict[str, Any]  # wire form: unknown sentinels, float numbers
    outputs: dict[str, Any]
    options: Mapping[str, Any]
    property_dependencies: dict[str, list[str]]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> _Resource:
        try:
            inputs = data.get("wireInputs")
            if inputs is None:
                inputs = _unknowns_as_sentinels(dict(data.get("inputs") or {}))
            return cls(
                urn=data["urn"],
                type=data["type"],
                name=data["name"],
                parent=data.get("parent"),
                provider=data.get("provider"),
                inputs=inputs,
                outputs=_unknowns_as_sentinels(dict(data.get("outputs") or {})),
                options=data.get("options") or {},
                property_dependencies={
                    k: list(v) for k, v in (data.get("propertyDependencies") or {}).items()
                },
            )
        except (KeyError, TypeError, AttributeError) as e:
            msg = f"not a captured resource (needs urn, type, name, inputs): {e!r} in {data!r}"
            raise PolicyEngineError(msg[:500]) from e

    def opts(self) -> OfflineResourceOptions:
        o = self.options
        return OfflineResourceOptions(
            protect=bool(o.get("protect")),
            ignore_changes=list(o.get("ignoreChanges") or []),
            delete_before_replace=o.get("deleteBeforeReplace"),
            aliases=[],
            custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
            additional_secret_outputs=[],
            parent=self.parent,
            retain_on_delete=bool(o.get("retainOnDelete")),
        )

    def stack_props(self) -> dict[str, Any]:
        """What stack policies see: the outputs (which echo the inputs) with inputs on top."""
        return {**self.outputs, **self.inputs}


class _Evaluation:
    def __init__(
        self, pack: Pack, settings: Mapping[str, PolicySettings], resources: list[_Resource]
    ) -> None:
        self.pack = pack
        self.settings = settings
        self.resources = resources
        self.by_urn = {r.urn: r for r in resources}
        self.found: list[Violation] = []

    def _emit(self, policy: Policy, level: EnforcementLevel, urn: str, message: str) -> None:
        resource = self.by_urn.get(urn)
        self.found.append(
            Violation(
                policy=policy.name,
                level=level.value,
                urn=urn,
                resourceType=resource.type if resource else "",
                message=message,
            )
        )

    def _reporter(self, policy: Policy, level: EnforcementLevel, default_urn: str) -> Any:
        def report(message: str, urn: str | None = None) -> None:
            # Resource policies always report on the resource; stack policies name their own.
            text = policy.description + (f"\n{message}" if message else "")
            self._emit(policy, level, default_urn or urn or "", text)

        return report

    def _cannot_run(self, policy: Policy, kind: str, urn: str, error: UnknownValueError) -> None:
        message = (
            f"can't run {kind} '{policy.name}' from policy pack "
            f"'{self.pack.name}@v{self.pack.version}' during preview: {error.message}"
        )
        self._emit(policy, EnforcementLevel.ADVISORY, urn, message)

    def _provider(self, resource: _Resource) -> PolicyProviderResource | None:
        provider = self.by_urn.get(resource.provider or "")
        if provider is None:
            return None
        props = unknown_checking_proxy(deserialize_properties(provider.inputs))
        return PolicyProviderResource(provider.type, props, provider.urn, provider.name)

    def _args(self, resource: _Resource, policy: Policy, secrets: bool) -> ResourceValidationArgs:
        props = unknown_checking_proxy(deserialize_properties(resource.inputs, secrets))
        return ResourceValidationArgs(
            resource.type,
            props,
            resource.urn,
            resource.name,
            resource.opts(),
            self._provider(resource),
            dict(self.settings[policy.name].properties),
        )

    def _guard(self, policy: Policy, urn: str, kind: str, action: Any) -> Any:
        try:
            return _run(action())
        except UnknownValueError as e:
            self._cannot_run(policy, kind, urn, e)
        except _NotApplicableError:
            pass
        except Exception as e:
            msg = f"{kind} {policy.name!r} failed on {urn or 'the stack'}: {e!r}"
            raise PolicyEngineError(msg) from e
        return None

    def remediate(self, resource: _Resource) -> None:
        for policy in self.pack.policies:
            if not isinstance(policy, ResourceValidationPolicy):
                continue
            if self.settings[policy.name].level != EnforcementLevel.REMEDIATE:
                continue
            if not policy.has_remediation():
                continue
            args = self._args(resource, policy, secrets=True)
            new_props = self._guard(
                policy, resource.urn, "remediation", lambda p=policy, a=args: p.remediate(a)
            )
            if new_props:
                resource.inputs = dict(serialize_properties(new_props))
                self._emit(policy, EnforcementLevel.REMEDIATE, resource.urn, policy.description)

    def analyze(self, resource: _Resource) -> None:
        for policy in self.pack.policies:
            level = self.settings[policy.name].level
            if level == EnforcementLevel.DISABLED or not isinstance(
                policy, ResourceValidationPolicy
            ):
                continue
            if not policy.has_validation():
                continue
            if level == EnforcementLevel.REMEDIATE:
                level = EnforcementLevel.MANDATORY  # still violated after remediation
            args = self._args(resource, policy, secrets=False)
            report = self._reporter(policy, level, resource.urn)
            self._guard(
                policy, resource.urn, "policy", lambda p=policy, a=args, r=report: p.validate(a, r)
            )

    def _stack_resources(self) -> list[PolicyResource]:
        built = {
            r.urn: PolicyResource(
                r.type,
                unknown_checking_proxy(deserialize_properties(r.stack_props())),
                r.urn,
                r.name,
                r.opts(),
                self._provider(r),
                None,
                [],
                {},
            )
            for r in self.resources
        }
        for r in self.resources:
            resource = built[r.urn]
            resource.parent = built.get(r.parent or "")
            depends = list(r.options.get("dependsOn") or [])
            depends += [u for urns in r.property_dependencies.values() for u in urns]
            resource.dependencies = [built[u] for u in dict.fromkeys(depends) if u in built]
            resource.property_dependencies = {
                k: [built[u] for u in v if u in built] for k, v in r.property_dependencies.items()
            }
        return list(built.values())

    def analyze_stack(self) -> None:
        for policy in self.pack.policies:
            level = self.settings[policy.name].level
            if level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
                continue
            if level == EnforcementLevel.REMEDIATE:
                level = EnforcementLevel.MANDATORY  # stack policies cannot remediate
            args = StackValidationArgs(
                self._stack_resources(), dict(self.settings[policy.name].properties)
            )
            report = self._reporter(policy, level, "")
            self._guard(policy, "", "policy", lambda p=policy, a=args, r=report: p.validate(a, r))


def evaluate(
    resources: Sequence[Mapping[str, Any]],
    pack_dir: str | Path = DEFAULT_PACK_DIR,
    config: Mapping[str, Any] | str | Path | None = None,
    *,
    stack: str | None = None,
) -> list[Violation]:
    """Violations of the pack in ``pack_dir`` on ``resources`` (preview JSON resource dicts).

    ``config`` is the ``--policy-pack-config`` content (a mapping) or the path of that JSON file.
    ``stack`` is exported as PULUMI_STACK while policies run, as the CLI does for the analyzer.
    Findings come in engine order: per resource (in the given order) remediations then resource
    policies, then stack policies. Raises PolicyEngineError for a bad pack, config or resource,
    or when a policy crashes.
    """
    pack = load_pack(pack_dir)
    if isinstance(config, str | Path):
        config = load_config(config)
    settings = reconcile_config(pack, config)
    evaluation = _Evaluation(pack, settings, [_Resource.from_dict(r) for r in resources])
    with _stack_environment(stack):
        for resource in evaluation.resources:
            evaluation.remediate(resource)
            evaluation.analyze(resource)
        evaluation.analyze_stack()
    return evaluation.found


def has_mandatory(violations: Sequence[Violation]) -> bool:
    """True when any violation blocks an update (what makes `pulumi preview` exit non-zero)."""
    return any(v["level"] == EnforcementLevel.MANDATORY.value for v in violations)


def format_violations(violations: Sequence[Violation], pack: Pack, location: str) -> str:
    """The findings as `pulumi preview` prints its "Policies:" block for a local pack."""
    mandatory = has_mandatory(violations)
    mark = "❌" if mandatory else ("⚠️" if violations else "✅")
    lines = ["Policies:", f"    {mark} {pack.name}@v{pack.version} (local: {location})"]
    for v in violations:
        where = f"  ({v['resourceType']}: {v['urn'].rsplit('::', 1)[-1]})" if v["urn"] else ""
        lines.append(f"        - [{v['level']}]  {v['policy']}{where}")
        lines += [f"          {line}" for line in v["message"].splitlines()]
    return "\n".join(lines)
