"""The capture of an offline preview: what the engine saw for every resource, as plain data.

`Preview.to_dict()` is the `compliance preview --json` format (docs/preview.md);
the other attributes feed the printed summary and in-process evaluators but are not part of the
file.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypedDict

from compliance.preview.paths import redacted

CHILDREN_NOT_VISIBLE = (
    "children not visible offline: a component of another language's provider creates them "
    "in its own plugin"
)


@dataclass(frozen=True)
class ResourceOptions:
    """The resource options the engine received in the RegisterResourceRequest."""

    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    ignore_changes: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "protect": self.protect,
            "retainOnDelete": self.retain_on_delete,
            "deleteBeforeReplace": self.delete_before_replace,
            "ignoreChanges": list(self.ignore_changes),
            "dependsOn": list(self.depends_on),
        }


@dataclass(frozen=True)
class Resource:
    """One registered resource (custom, component, provider or the stack itself).

    `inputs` are the wire inputs with unknowns as None and secrets unwrapped; `wire_inputs` keeps
    them exactly as sent (unknown sentinel, secret wrappers) for evaluators such as pulumi_policy
    that must tell an unknown value from an absent one. `wire_inputs` is not written to JSON.
    """

    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    custom: bool
    inputs: dict[str, Any]
    secret_inputs: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]
    outputs: dict[str, Any]
    options: ResourceOptions
    wire_inputs: dict[str, Any] = field(default_factory=dict, repr=False)
    remote: bool = False
    placeholder_inputs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: secret values (inputs, and outputs at the same paths) `[secret]`."""
        record: dict[str, Any] = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "provider": self.provider,
            "custom": self.custom,
            "inputs": redacted(self.inputs, self.secret_inputs),
            "secretInputs": list(self.secret_inputs),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
            "outputs": redacted(self.outputs, self.secret_inputs),
            "options": self.options.to_dict(),
        }
        if self.placeholder_inputs:
            record["placeholderInputs"] = list(self.placeholder_inputs)
        if self.remote:
            record["remote"] = True
            record["children"] = CHILDREN_NOT_VISIBLE
        return record


class Violation(TypedDict):
    """One policy finding as the JSON holds it (``level``: an EnforcementLevel value).

    Filled in by the policy evaluation (compliance.policy_engine), never by the preview itself.
    """

    policy: str
    level: str
    urn: str
    resourceType: str
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """A message the program logged through `pulumi.log` (the engine would print it)."""

    severity: str
    message: str


@dataclass
class Preview:
    """The result of running a program offline: resources sorted by URN, plus run facts."""

    program: str
    stack: str
    project: str
    resources: list[Resource]
    unknowns: bool = False
    absent_secure_config: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    violations: list[Violation] = field(default_factory=list)
    data_sources: tuple[Any, ...] = ()  # mocks.Call records, in call order

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "stack": self.stack,
            "resources": [r.to_dict() for r in self.resources],
            "dataSources": [c.to_dict() for c in self.data_sources],
            "violations": [dict(v) for v in self.violations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def by_urn(self, urn: str) -> Resource:
        """The resource with this URN (KeyError naming it when absent)."""
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def counts_by_type(self) -> dict[str, int]:
        """Resource count per type token, sorted by type."""
        return dict(sorted(Counter(r.type for r in self.resources).items()))

    def summary(self) -> str:
        """A readable summary in the spirit of `pulumi preview`'s."""
        mode = "unknown (first preview of a new stack)" if self.unknowns else "concrete (mocked)"
        counts = self.counts_by_type()
        width = max((len(t) for t in counts), default=0)
        lines = [
            f"Previewing {self.project} ({self.stack}) offline under mocks; "
            f"computed outputs: {mode}",
            "",
            f"     {'Type':<{width}}  Count",
            *(f" +   {type_:<{width}}  {count:>5}" for type_, count in counts.items()),
            "",
            "Resources:",
            f"    + {len(self.resources)} to create",
        ]
        remote = [r for r in self.resources if r.remote]
        if remote:
            lines += ["", f"Components of other languages' providers ({CHILDREN_NOT_VISIBLE}):"]
            lines += [f"    {r.type}: {r.name}" for r in remote]
        invented = [c for c in self.data_sources if c.kind != "exact"]
        if invented:
            lines += ["", "Data sources answered with placeholders (not real values):"]
            lines += [f"    {c.token} ({c.kind})" for c in invented]
        if self.absent_secure_config:
            lines += [
                "",
                "Secure config values cannot be decrypted offline and were treated as absent:",
                *(f"    {key}" for key in self.absent_secure_config),
            ]
        if self.diagnostics:
            lines += ["", "Diagnostics:"]
            lines += [f"    {d.severity}: {d.message}" for d in self.diagnostics]
        return "\n".join(lines)
