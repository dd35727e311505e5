"""The contract between the stack and the handler code, checked from both sides.

The Lambda package imports nothing from the stack (and the stack nothing from it), so the
environment-variable names and the placeholder value are agreed here, where both can be read.
"""

from __future__ import annotations

import pytest

from stack.config import SECRET_KEYS
from stack.secrets import PLACEHOLDER, environment_variable
from webhook_processor import signatures
from webhook_processor.config import PROVIDER_OPTIONS, PROVIDER_PARAMETERS, ReceiverConfig
from webhook_processor.exceptions import ConfigurationError


def test_every_parameter_the_stack_creates_is_one_the_receiver_reads() -> None:
    stack_side = {environment_variable(provider, value) for provider, value in SECRET_KEYS.values()}
    handler_side = {var for variables in PROVIDER_PARAMETERS.values() for var in variables.values()}
    assert stack_side == handler_side


@pytest.mark.parametrize(("provider", "value"), sorted(SECRET_KEYS.values()))
def test_parameter_values_map_to_the_signature_settings_of_their_provider(
    provider: str, value: str
) -> None:
    setting = value.replace("-", "_")
    # stripe's signing-secret is the library's `secret`; the others keep their names.
    expected = {"stripe": {"signing_secret": "secret"}}.get(provider, {}).get(setting, setting)
    assert PROVIDER_PARAMETERS[provider][expected] == environment_variable(provider, value)


def test_the_receiver_reads_the_sandbox_switch_the_stack_sets() -> None:
    assert PROVIDER_OPTIONS["paypal"]["sandbox"] == "PAYPAL_SANDBOX"
    env = {"INGEST_QUEUE_URL": "q", "DLQ_URL": "d", "PAYPAL_SANDBOX": "false"}
    assert ReceiverConfig.from_env(env).options == {"paypal": {"sandbox": "false"}}


@pytest.mark.evidence("8.6.2")
@pytest.mark.parametrize("provider", sorted(PROVIDER_PARAMETERS))
def test_the_stack_placeholder_fails_closed_in_the_signature_library(provider: str) -> None:
    settings = dict.fromkeys(PROVIDER_PARAMETERS[provider], PLACEHOLDER)
    with pytest.raises(ConfigurationError, match="UNSET"):
        signatures.verifier(provider, settings)
