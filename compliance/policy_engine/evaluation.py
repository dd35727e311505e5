"""Evaluate a loaded pack on captured resources in the engine's order.

Evaluation follows pulumi-policy's analyzer (``_PolicyAnalyzerServicer``): per resource,
remediations (policies at level ``remediate``) then resource policies on the remediated inputs;
then stack policies over every resource. A policy that reads an unknown value is reported as the
engine does: an advisory "can't run policy ... during preview" finding, never a violation.

Resources are dicts in the ``compliance preview`` JSON format (docs/preview.md): ``inputs`` with
unknowns as null. An optional ``wireInputs`` key (the exact wire inputs, unknown sentinels
included) is used instead when present.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from inspect import isawaitable
from pathlib import Path
from typing import Any

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

from compliance.policy_engine.errors import PolicyEngineError
from compliance.policy_engine.pack import DEFAULT_PACK_DIR, Pack, load_pack
from compliance.policy_engine.settings import PolicySettings, load_config, reconcile_config
from compliance.preview.model import Violation
from compliance.preview.sdk import (
    UNKNOWN_STRING_VALUE,
    NotApplicable,
    UnknownValueError,
    deserialize_properties,
    serialize_properties,
    unknown_checking_proxy,
)


class OfflineResourceOptions(PolicyResourceOptions):
    """Resource options plus ``retain_on_delete``, which the real engine hides from policies."""

    def __init__(self, *, retain_on_delete: bool, **options: Any) -> None:
        super().__init__(**options)
        self.retain_on_delete = retain_on_delete


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
        except NotApplicable:
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
