"""The contract between the stack and the handler code, checked from both sides.

The Lambda package imports nothing from the stack (and the stack nothing from it), so the
environment-variable names and the placeholder value are agreed here, where both can be read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from compliance.preview import run_preview
from stack.config import SECRET_KEYS
from stack.secrets import PLACEHOLDER, environment_variable
from webhook_processor import signatures
from webhook_processor.config import (
    PROVIDER_OPTIONAL_PARAMETERS,
    PROVIDER_PARAMETERS,
    ReceiverConfig,
)
from webhook_processor.exceptions import ConfigurationError
from webhook_processor.signatures.paypal import LIVE_API_BASE

ROOT = Path(__file__).resolve().parents[1]


def _self_signed_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contract test root")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


ROOT_PEM = _self_signed_pem()
STACK_CONFIG = {
    "environmentSuffix": "contract",
    "environment": "test",
    "costCenter": "cc",
    "owner": "owner@example.com",
}


def test_every_parameter_the_stack_creates_is_one_the_receiver_reads() -> None:
    stack_side = {environment_variable(provider, value) for provider, value in SECRET_KEYS.values()}
    handler_side = {
        var
        for table in (PROVIDER_PARAMETERS, PROVIDER_OPTIONAL_PARAMETERS)
        for variables in table.values()
        for var in variables.values()
    }
    assert stack_side == handler_side


@pytest.mark.parametrize(("provider", "value"), sorted(SECRET_KEYS.values()))
def test_parameter_values_map_to_the_signature_settings_of_their_provider(
    provider: str, value: str
) -> None:
    setting = value.replace("-", "_")
    # stripe's signing-secret is the library's `secret`; the others keep their names.
    expected = {"stripe": {"signing_secret": "secret"}}.get(provider, {}).get(setting, setting)
    read = {**PROVIDER_PARAMETERS[provider], **PROVIDER_OPTIONAL_PARAMETERS.get(provider, {})}
    assert read[expected] == environment_variable(provider, value)


def _receiver_paypal_options(tmp_path: Path, **config: str) -> dict[str, str]:
    """The PayPal options the receiver reads from the environment the stack gives it."""
    bundle = tmp_path / "lambda.zip"
    bundle.write_bytes(b"")
    preview = run_preview(
        ROOT, stack="contract", config={**STACK_CONFIG, "lambdaBundle": str(bundle), **config}
    )
    (receiver,) = [
        f
        for f in preview.of_type("aws:lambda/function:Function")
        if f.inputs["name"] == "webhook-receiver-contract"
    ]
    return dict(
        ReceiverConfig.from_env(receiver.inputs["environment"]["variables"]).options["paypal"]
    )


@pytest.mark.parametrize("sandbox", [False, True])
def test_the_sandbox_switch_flows_from_stack_config_to_the_paypal_verifier(
    tmp_path: Path, sandbox: bool
) -> None:
    settings = {
        **_receiver_paypal_options(tmp_path, paypalSandbox=str(sandbox).lower()),
        "webhook_id": "WH-1",
        "trust_store_pems": [ROOT_PEM],
    }
    paypal = signatures.verifier("paypal", settings).settings
    assert ("api-m.sandbox.paypal.com" in paypal.allowed_cert_url_hosts) is sandbox
    assert "api-m.paypal.com" in paypal.allowed_cert_url_hosts
    assert paypal.api_base == ("https://api-m.sandbox.paypal.com" if sandbox else LIVE_API_BASE)


@pytest.mark.parametrize(
    ("choice", "while_unset", "once_set"),
    [("auto", "local", "api"), ("api", "503", "api"), ("local", "local", "local")],
)
def test_the_verification_choice_flows_from_stack_config_to_the_paypal_verifier(
    tmp_path: Path, choice: str, while_unset: str, once_set: str
) -> None:
    """The deployed placeholders (credentials not set yet), then real credentials."""
    base = {
        **_receiver_paypal_options(tmp_path, paypalVerification=choice),
        "webhook_id": "WH-1",
        "trust_store_pems": [ROOT_PEM],
    }
    unset = {"client_id": PLACEHOLDER, "client_secret": PLACEHOLDER}
    if while_unset == "503":  # an explicit api refuses to run without them (ConfigurationError)
        with pytest.raises(ConfigurationError, match="'client_id' is required"):
            signatures.verifier("paypal", {**base, **unset})
    else:
        assert signatures.verifier("paypal", {**base, **unset}).settings.verification == "local"
    given = {"client_id": "AeClientId", "client_secret": "EKsecret"}
    assert signatures.verifier("paypal", {**base, **given}).settings.verification == once_set


@pytest.mark.evidence("8.6.2")
@pytest.mark.parametrize("provider", sorted(PROVIDER_PARAMETERS))
def test_the_stack_placeholder_fails_closed_in_the_signature_library(provider: str) -> None:
    settings = dict.fromkeys(PROVIDER_PARAMETERS[provider], PLACEHOLDER)
    with pytest.raises(ConfigurationError, match="UNSET"):
        signatures.verifier(provider, settings)
