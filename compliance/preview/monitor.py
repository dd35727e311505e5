"""A mock resource monitor that records every registration the way the engine receives it.

`Mocks.new_resource` never sees resource options, so the capture happens one level lower, on
the RegisterResourceRequest itself. URNs are built as the real engine builds them (the stock
mock monitor puts `pulumi:pulumi:Stack$` into top-level URNs and keeps only the nearest
parent's type in nested ones). A custom resource registered without a provider gets the
package's default provider, registered on demand from the stack config as the engine does.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import threading
from collections.abc import Mapping, Set
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import get_project, get_stack

from compliance.preview.mocks import ProviderSettings, RealisticMocks
from compliance.preview.model import Resource
from compliance.preview.paths import string_leaves
from compliance.preview.schema import auto_name_property
from compliance.preview.wire import (
    SECRET_SIGNATURE,
    SIGNATURE_KEY,
    UNKNOWN,
    capture,
    plain,
    without_resource_references,
)

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


def engine_urn(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    """The URN the Pulumi engine gives a resource: its type qualified by its ancestors' types,
    the root stack excluded."""
    qualified = type_
    if parent:
        parent_type = parent.split("::")[2]
        if parent_type != STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def auto_name(urn: str, name: str) -> str:
    """The name the provider gives a resource the program left unnamed: its logical name, a
    dash and 7 hex characters (random in the engine, derived from the URN here)."""
    return f"{name}-{hashlib.sha256(urn.encode()).hexdigest()[:7]}"


def default_provider_name(version: str) -> str:
    """The engine's name for a package's default provider: `default`, then the version with
    its separators as underscores (`default_7_51_1`)."""
    return f"default_{re.sub(r'[.+-]', '_', version)}" if version else "default"


def default_provider_inputs(
    package: str, version: str, config: Mapping[str, str], secret_keys: Set[str] = frozenset()
) -> dict[str, Any]:
    """A default provider's inputs as the engine synthesises them: every `<package>:*` stack
    config value under its bare key (a secret one still a secret), and the plugin `version`."""
    inputs: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, bare = key.partition(":")
        if namespace == package and bare:
            secret = {SIGNATURE_KEY: SECRET_SIGNATURE, "value": value}
            inputs[bare] = secret if key in secret_keys else value
    if version:
        inputs["version"] = version
    return inputs


def installed_version(package: str) -> str:
    """The version of the package's installed Python SDK (`pulumi_aws`), or "" without one."""
    try:
        return importlib.metadata.version(f"pulumi_{package}")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _as_dict(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message)


class CaptureMonitor(MockMonitor):
    """Runs registrations through `RealisticMocks` and keeps request, response and the outputs
    a component (or the stack) registers."""

    mocks: RealisticMocks

    def __init__(
        self,
        mocks: RealisticMocks,
        config: Mapping[str, str] | None = None,
        secret_keys: Set[str] = frozenset(),
    ) -> None:
        super().__init__(mocks)
        self._config = dict(config or {})
        self._secret_keys = frozenset(secret_keys)
        self._lock = threading.Lock()
        self._defaults_lock = threading.Lock()
        self._defaults: dict[tuple[str, str], str] = {}
        self._requests: dict[str, dict[str, Any]] = {}
        self._outputs: dict[str, dict[str, Any]] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return engine_urn(get_stack(), get_project(), parent, type_, name)

    def default_provider(self, package: str, version: str) -> str:
        """The reference (`urn::id`) of the package's default provider at this version,
        registered the first time a resource needs it (one per package and version)."""
        with self._defaults_lock:
            if (package, version) not in self._defaults:
                request = resource_pb2.RegisterResourceRequest(
                    type=f"{PROVIDER_TYPE_PREFIX}{package}",
                    name=default_provider_name(version),
                    custom=True,
                    version=version,
                )
                request.object.update(
                    default_provider_inputs(package, version, self._config, self._secret_keys)
                )
                response = self.RegisterResource(request)
                self._defaults[package, version] = f"{response.urn}::{response.id or UNKNOWN}"
            return self._defaults[package, version]

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if (
            request.custom
            and not request.provider
            and not request.type.startswith(PROVIDER_TYPE_PREFIX)
        ):
            package = request.type.split(":")[0]
            version = request.version or installed_version(package)
            request.provider = self.default_provider(package, version)
        # What the engine's Check hands on: references downgraded, the physical name filled in.
        inputs = without_resource_references(_as_dict(request).get("object", {}))
        key = auto_name_property(request.type) if request.custom else None
        if key and key not in inputs:
            inputs[key] = auto_name(urn, request.name)
        request.object.Clear()
        request.object.update(inputs)
        as_dict = _as_dict(request)
        if request.type == "pulumi:providers:aws":
            self.mocks.providers[urn] = ProviderSettings.from_inputs(
                plain(as_dict.get("object", {})), self.mocks.default_region
            )
        response = super().RegisterResource(request)
        with self._lock:
            self._requests[urn] = as_dict
            if request.custom:
                self._outputs[urn] = _as_dict(response).get("object", {})
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        with self._lock:
            self._outputs[request.urn] = _as_dict(request).get("outputs", {})
        return super().RegisterResourceOutputs(request)

    def captured(self) -> list[Resource]:
        """Every registered resource, sorted by URN (registration order varies between runs)."""
        # Strings a placeholder or generic answer made up, not the program's own arguments.
        invented = set().union(
            *(
                string_leaves(c.result) - string_leaves(c.args)
                for c in self.mocks.calls
                if c.kind != "exact"
            )
        )
        with self._lock:
            return [
                capture(urn, self._requests[urn], self._outputs.get(urn, {}), invented)
                for urn in sorted(self._requests)
            ]
