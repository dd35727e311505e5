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
from webhook_processor.config import PROVIDER_PARAMETERS, ReceiverConfig
from webhook_processor.exceptions import ConfigurationError

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


@pytest.mark.parametrize("sandbox", [False, True])
def test_the_sandbox_switch_flows_from_stack_config_to_the_paypal_verifier(
    tmp_path: Path, sandbox: bool
) -> None:
    bundle = tmp_path / "lambda.zip"
    bundle.write_bytes(b"")
    config = {**STACK_CONFIG, "lambdaBundle": str(bundle), "paypalSandbox": str(sandbox).lower()}
    preview = run_preview(ROOT, stack="contract", config=config)
    (receiver,) = [
        f
        for f in preview.of_type("aws:lambda/function:Function")
        if f.inputs["name"] == "webhook-receiver-contract"
    ]
    # The receiver's environment as the stack sets it, read the way the handler reads it.
    receiver_config = ReceiverConfig.from_env(receiver.inputs["environment"]["variables"])
    settings = {
        **receiver_config.options["paypal"],
        "webhook_id": "WH-1",
        "trust_store_pems": [ROOT_PEM],
    }
    paypal = signatures.verifier("paypal", settings).settings
    assert ("api-m.sandbox.paypal.com" in paypal.allowed_cert_url_hosts) is sandbox
    assert "api-m.paypal.com" in paypal.allowed_cert_url_hosts


@pytest.mark.evidence("8.6.2")
@pytest.mark.parametrize("provider", sorted(PROVIDER_PARAMETERS))
def test_the_stack_placeholder_fails_closed_in_the_signature_library(provider: str) -> None:
    settings = dict.fromkeys(PROVIDER_PARAMETERS[provider], PLACEHOLDER)
    with pytest.raises(ConfigurationError, match="UNSET"):
        signatures.verifier(provider, settings)
