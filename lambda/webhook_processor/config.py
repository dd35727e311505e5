"""Settings read from the function's environment (names, URLs, ARNs; never secrets).

Pure functions of a mapping, so they are tested without touching ``os.environ``. A missing
required variable raises ConfigurationError: the receiver answers 503 and the processor fails
the batch, so nothing is accepted while the function is misconfigured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from webhook_processor.exceptions import ConfigurationError

DEFAULT_MAX_BODY_BYTES = 256 * 1024
DEFAULT_SECRET_TTL_SECONDS = 300
DEFAULT_REFRESH_INTERVAL_SECONDS = 30

# Provider -> {signature-library setting key -> environment variable naming the SSM parameter}.
PROVIDER_PARAMETERS: Mapping[str, Mapping[str, str]] = {
    "stripe": {"secret": "STRIPE_SIGNING_SECRET_PARAM"},
    "square": {
        "signature_key": "SQUARE_SIGNATURE_KEY_PARAM",
        "notification_url": "SQUARE_NOTIFICATION_URL_PARAM",
    },
    "paypal": {"webhook_id": "PAYPAL_WEBHOOK_ID_PARAM"},
    "adyen": {"hmac_key_hex": "ADYEN_HMAC_KEY_HEX_PARAM"},
}
# Provider -> {setting key -> environment variable naming an SSM parameter the provider can do
# without}: read when the variable is set; a parameter still ``UNSET:`` counts as absent.
PROVIDER_OPTIONAL_PARAMETERS: Mapping[str, Mapping[str, str]] = {
    "paypal": {
        "client_id": "PAYPAL_CLIENT_ID_PARAM",
        "client_secret": "PAYPAL_CLIENT_SECRET_PARAM",
    },
}
# Provider -> {signature-library setting key -> environment variable holding a plain, non-secret
# setting}; unset variables leave the library's default.
PROVIDER_OPTIONS: Mapping[str, Mapping[str, str]] = {
    "paypal": {"sandbox": "PAYPAL_SANDBOX", "verification": "PAYPAL_VERIFICATION"},
}
# Provider -> fixed settings: the receiver takes Adyen's standard notifications, whose every
# NotificationRequestItem carries its own signature.
PROVIDER_DEFAULTS: Mapping[str, Mapping[str, str]] = {
    "adyen": {"mode": "notification_item"},
}


def _require(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        msg = f"environment variable {name} is not set"
        raise ConfigurationError(msg)
    return value


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        msg = f"environment variable {name} must be a positive integer, got {raw!r}"
        raise ConfigurationError(msg)
    return int(raw)


@dataclass(frozen=True)
class ReceiverConfig:
    """What the receiver needs: where to enqueue, which parameters hold each provider's secrets.

    ``refresh_interval_seconds`` bounds the forced re-reads a stream of bad signatures can
    cause (one per provider per interval), so forged requests cannot exhaust the SSM quota.
    """

    ingest_queue_url: str
    dlq_url: str
    parameters: Mapping[str, Mapping[str, str]]
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    secret_ttl_seconds: int = DEFAULT_SECRET_TTL_SECONDS
    refresh_interval_seconds: int = DEFAULT_REFRESH_INTERVAL_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ReceiverConfig:
        """Providers whose required parameter variables are all set are routable; the rest
        are not."""
        parameters = {
            provider: {
                key: environ[var].strip()
                for key, var in {
                    **variables,
                    **PROVIDER_OPTIONAL_PARAMETERS.get(provider, {}),
                }.items()
                if environ.get(var, "").strip()
            }
            for provider, variables in PROVIDER_PARAMETERS.items()
            if all(environ.get(var, "").strip() for var in variables.values())
        }
        options = {
            provider: {
                key: environ[var].strip() for key, var in variables.items() if var in environ
            }
            for provider, variables in PROVIDER_OPTIONS.items()
        }
        options = {
            provider: {**PROVIDER_DEFAULTS.get(provider, {}), **options.get(provider, {})}
            for provider in {*options, *PROVIDER_DEFAULTS}
        }
        return cls(
            ingest_queue_url=_require(environ, "INGEST_QUEUE_URL"),
            dlq_url=_require(environ, "DLQ_URL"),
            parameters=parameters,
            options={provider: found for provider, found in options.items() if found},
            max_body_bytes=_positive_int(environ, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            secret_ttl_seconds=_positive_int(
                environ, "SECRET_TTL_SECONDS", DEFAULT_SECRET_TTL_SECONDS
            ),
            refresh_interval_seconds=_positive_int(
                environ, "SECRET_REFRESH_INTERVAL_SECONDS", DEFAULT_REFRESH_INTERVAL_SECONDS
            ),
        )


@dataclass(frozen=True)
class ProcessorConfig:
    """What the processor needs: the table, the topic and the dead-letter queue."""

    table_name: str
    topic_arn: str
    dlq_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ProcessorConfig:
        return cls(
            table_name=_require(environ, "TABLE_NAME"),
            topic_arn=_require(environ, "TOPIC_ARN"),
            dlq_url=_require(environ, "DLQ_URL"),
        )
