"""Every use of a pulumi or pulumi-policy API that is not public, in one place.

The offline preview drives the Pulumi runtime and pulumi-policy's analyzer the way the CLI's
language host and analyzer host do; a few of the pieces it needs have no public name. They are
imported here and nowhere else, so a library upgrade that moves one breaks this module (and
``tests/compliance/preview/test_sdk.py``) loudly instead of the preview silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pulumi_policy
import pulumi_policy.policy
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.rpc_manager import RPCManager
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await
from pulumi_policy.deserialize import deserialize_properties, serialize_properties
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

__all__ = [
    "ROOT",
    "SETTINGS",
    "UNKNOWN_STRING_VALUE",
    "MockEngine",
    "MockSettings",
    "NotApplicable",
    "RPCManager",
    "UnknownValueError",
    "config_context",
    "deserialize_properties",
    "policy_pack_replaced",
    "run_program",
    "serialize_properties",
    "unknown_checking_proxy",
]

#: Raised by ``args.not_applicable()``; the analyzer treats it as "skipped", never a failure.
NotApplicable = _NotApplicableError
#: The runtime's settings and root-stack context variables (``set_mocks`` sets them too).
SETTINGS = pulumi_settings.SETTINGS
ROOT = pulumi_settings.ROOT


def run_program(program: Any) -> None:
    """Run ``program`` inside a root stack and wait for every registration, as the language
    host's ``pulumi.runtime.run_in_stack`` does."""
    _sync_await(run_in_stack(program))


@contextmanager
def config_context(values: dict[str, str], secret_keys: set[str]) -> Iterator[None]:
    """The stack config (and which keys are secret) as the language host installs it,
    restored on exit; ``pulumi.runtime.set_all_config`` exists but cannot be undone."""
    config_token = pulumi_config.CONFIG.set(dict(values))
    secrets_token = pulumi_config._SECRET_KEYS.set(set(secret_keys))
    try:
        yield
    finally:
        pulumi_config.CONFIG.reset(config_token)
        pulumi_config._SECRET_KEYS.reset(secrets_token)


@contextmanager
def policy_pack_replaced(stand_in: Any) -> Iterator[None]:
    """``pulumi_policy.PolicyPack`` replaced by ``stand_in`` (a pack's ``__main__`` imports it
    from either module), so constructing it does not start the analyzer's gRPC server."""
    saved = pulumi_policy.PolicyPack, pulumi_policy.policy.PolicyPack
    pulumi_policy.PolicyPack = pulumi_policy.policy.PolicyPack = stand_in  # type: ignore[misc]
    try:
        yield
    finally:
        pulumi_policy.PolicyPack, pulumi_policy.policy.PolicyPack = saved  # type: ignore[misc]
