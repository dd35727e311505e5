"""Settings from plain mappings: what the receiver builds from SSM values and the CLI from JSON."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webhook_processor.signatures import PROVIDERS, ConfigError, Reason, Verdict, verifier
from webhook_processor.signatures.paypal import DEFAULT_CERT_URL_HOSTS

from . import sigkit

GOOD: dict[str, dict[str, Any]] = {
    "stripe": {"secret": sigkit.STRIPE_SECRET},
    "square": {"signature_key": sigkit.SQUARE_KEY, "notification_url": sigkit.SQUARE_URL},
    "paypal": {"webhook_id": sigkit.PAYPAL_WEBHOOK_ID, "trust_store_pems": []},
    "adyen": {"hmac_key_hex": sigkit.ADYEN_KEY_HEX, "mode": "payload"},
    "standardwebhooks": {"secret": sigkit.STANDARD_SECRET},
}
SECRETS = {
    "stripe": "secret",
    "square": "signature_key",
    "adyen": "hmac_key_hex",
    "standardwebhooks": "secret",
}


@pytest.fixture
def good(pki: sigkit.PKI) -> dict[str, dict[str, Any]]:
    return {**GOOD, "paypal": {**GOOD["paypal"], "trust_store_pems": pki.trust_pems}}


def test_every_registered_provider_has_a_case() -> None:
    assert set(PROVIDERS) == set(GOOD)


@pytest.mark.parametrize("provider", sorted(GOOD))
def test_good_settings_build_a_verifier(provider: str, good: dict[str, dict[str, Any]]) -> None:
    check = verifier(provider, good[provider])
    assert check.provider == provider
    assert isinstance(check({}, b"{}"), Verdict)


@pytest.mark.parametrize("provider", sorted(GOOD))
def test_each_required_setting_is_named_when_missing(
    provider: str, good: dict[str, dict[str, Any]]
) -> None:
    required = [k for k in good[provider] if k not in ("trust_store_pems", "mode")]
    for key in required:
        settings = {k: v for k, v in good[provider].items() if k != key}
        with pytest.raises(ConfigError, match=f"{provider}: setting '{key}' is required"):
            verifier(provider, settings)


@pytest.mark.parametrize("provider", sorted(GOOD))
def test_unset_placeholders_fail_closed(provider: str, good: dict[str, dict[str, Any]]) -> None:
    key = next(k for k, v in good[provider].items() if isinstance(v, str))
    settings = {**good[provider], key: "UNSET: fill in /payment-webhooks/dev/..."}
    with pytest.raises(ConfigError, match="UNSET: placeholder"):
        verifier(provider, settings)


@pytest.mark.parametrize("provider", sorted(GOOD))
def test_unknown_settings_are_refused(provider: str, good: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(ConfigError, match="unknown setting"):
        verifier(provider, {**good[provider], "tolerence": "300"})


@pytest.mark.parametrize("provider", sorted(SECRETS))
def test_secrets_appear_in_no_repr_and_no_error(
    provider: str, good: dict[str, dict[str, Any]]
) -> None:
    secret = good[provider][SECRETS[provider]]
    assert secret not in repr(verifier(provider, good[provider]))
    with pytest.raises(ConfigError) as error:
        verifier(provider, {**good[provider], "bogus": secret})
    assert secret not in str(error.value)


def test_unknown_provider() -> None:
    with pytest.raises(ConfigError, match="unknown provider 'acme'"):
        verifier("acme", {})


@pytest.mark.parametrize(
    ("provider", "settings", "message"),
    [
        ("stripe", {"secret": ""}, "non-empty string"),
        ("stripe", {"secret": 42}, "non-empty string"),
        ("stripe", {"secret": "whsec_\ud800"}, "non-empty string"),
        ("paypal", {"webhook_id": "W", "cert_pems_by_url": {"u": "\udfff"}}, "string -> string"),
        ("stripe", {"secret": "whsec_x", "tolerance": 0}, "between 1 and 86400"),
        ("stripe", {"secret": "whsec_x", "tolerance": "5 minutes"}, "between 1 and 86400"),
        ("stripe", {"secret": "whsec_x", "tolerance": True}, "between 1 and 86400"),
        ("square", {"signature_key": "k", "notification_url": "/webhooks"}, "https:// URL"),
        ("square", {"signature_key": "k", "notification_url": "http://x.example"}, "https:// URL"),
        ("adyen", {"hmac_key_hex": "xyz", "mode": "payload"}, "hex key"),
        ("adyen", {"hmac_key_hex": "abc", "mode": "payload"}, "hex key"),
        ("adyen", {"hmac_key_hex": "ab"}, "'mode' is required"),
        ("adyen", {"hmac_key_hex": "ab", "mode": "header"}, "notification_item, payload"),
        ("standardwebhooks", {"secret": "whsec_!!!"}, "base64 key bytes"),
        ("standardwebhooks", {"secret": "whsec_"}, "base64 key bytes"),
        ("paypal", {"webhook_id": "W", "trust_store_pems": ["not a pem"]}, "PEM certificates"),
        ("paypal", {"webhook_id": "W", "trust_store_pems": []}, "non-empty list"),
        ("paypal", {"webhook_id": "W", "allowed_cert_url_hosts": [""]}, "non-empty strings"),
        ("paypal", {"webhook_id": "W", "cert_pems_by_url": ["x"]}, "string -> string"),
        ("paypal", {"webhook_id": "W", "sandbox": "yes"}, "must be true or false"),
        ("paypal", {"webhook_id": "W", "sandbox": 1}, "must be true or false"),
        (
            "paypal",
            {"webhook_id": "W", "max_cert_fetches_per_minute": "ten"},
            "'max_cert_fetches_per_minute' must be a whole number between 1 and 10000$",
        ),
        ("paypal", {"webhook_id": "W", "max_cert_fetches_per_minute": 0}, "between 1 and 10000"),
        ("paypal", {"webhook_id": "W", "max_cert_fetches_per_minute": 10_001}, "and 10000"),
        ("paypal", {"webhook_id": "W", "max_cert_fetches_per_minute": True}, "and 10000"),
    ],
)
def test_bad_settings_say_what_is_wrong(provider: str, settings: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        verifier(provider, settings)


def test_settings_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError, match="must be an object"):
        verifier("stripe", ["secret"])  # type: ignore[arg-type]


def test_ssm_style_strings_are_accepted(pki: sigkit.PKI) -> None:
    """SSM hands everything over as strings: numbers as decimals, lists comma-separated."""
    stripe = verifier("stripe", {"secret": "whsec_x", "tolerance": "600"})
    assert stripe.settings.tolerance == 600
    paypal = verifier(
        "paypal",
        {
            "webhook_id": "W",
            "trust_store_pems": "".join(pki.trust_pems),
            "allowed_cert_url_hosts": "API.paypal.com, api-m.paypal.com",
        },
    )
    assert paypal.settings.allowed_cert_url_hosts == ("api.paypal.com", "api-m.paypal.com")


def test_paypal_defaults_to_the_system_trust_store() -> None:
    check = verifier("paypal", {"webhook_id": sigkit.PAYPAL_WEBHOOK_ID})
    assert len(check.settings.trust_store) > 10
    assert check.settings.allowed_cert_url_hosts == ("api.paypal.com", "api-m.paypal.com")
    assert check.settings.cert_host_names == ("messageverificationcerts.paypal.com",)
    assert check.settings.tolerance == 300


def test_paypal_sandbox_is_opt_in() -> None:
    live = verifier("paypal", {"webhook_id": "W", "sandbox": "false"})
    sandbox = verifier("paypal", {"webhook_id": "W", "sandbox": True})
    assert live.settings.allowed_cert_url_hosts == DEFAULT_CERT_URL_HOSTS
    assert sandbox.settings.allowed_cert_url_hosts == (
        *DEFAULT_CERT_URL_HOSTS,
        "api.sandbox.paypal.com",
        "api-m.sandbox.paypal.com",
    )
    assert sandbox.settings.cert_host_names == (
        "messageverificationcerts.paypal.com",
        "messageverificationcerts.sandbox.paypal.com",
    )


def test_reason_codes_are_stable_snake_case_strings() -> None:
    for reason in Reason:
        assert reason.value == reason.name.lower()
        assert f"{Verdict(reason)}" == f"invalid: {reason.value}"
    assert str(Verdict()) == "valid"


KNOWN_KEYS = sorted(
    {key for settings in GOOD.values() for key in settings}
    | {"tolerance", "allowed_cert_url_hosts", "cert_host_names", "cert_pems_by_url", "sandbox"}
    | {"max_cert_fetches_per_minute", "client_id", "client_secret", "verification"}
    | {"max_api_calls_per_minute"}
)
setting_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2),
    st.lists(st.text(), max_size=3),
    st.dictionaries(st.text(), st.text(), max_size=2),
    st.sampled_from(
        ["300", "https://hooks.example.com/x", "00ff", "payload", "whsec_QUJD", "api", "UNSET:x"]
    ),
)


@settings(max_examples=100, deadline=None)
@given(
    provider=st.sampled_from(sorted(GOOD)),
    raw=st.dictionaries(st.sampled_from(KNOWN_KEYS), setting_values, max_size=4),
)
def test_arbitrary_settings_build_or_raise_config_error(provider: str, raw: dict[str, Any]) -> None:
    """Whatever the values, the outcome is a verifier or a ConfigError, never another error."""
    with contextlib.suppress(ConfigError):
        verifier(provider, raw)
