"""Stack configuration, read once into a typed, validated object.

Every key is read here and nowhere else. A bad value stops the program before any resource is
registered, with a message that names the key and the rule, so nothing half-valid is deployed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Final

import pulumi
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from stack.bundle import DEFAULT_BUNDLE
from stack.naming import PROJECT, REGION, Naming, max_suffix_length

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS: Final = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR")
# auto: PayPal's verify-webhook-signature API once the client id and secret hold values, the
# local certificate check until then; api: always the API (503 while a credential is unset).
PAYPAL_VERIFICATIONS: Final = ("auto", "api", "local")
# An SQS event source mapping's maximum concurrency is 2-1000 (Lambda ScalingConfig).
MIN_MAPPING_CONCURRENCY: Final = 2
_SUFFIX_PATTERN: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# The signing values kept in SSM: config key -> (provider, value name). The config keys are
# optional secrets; the parameter paths and the Lambda environment derive from the pairs.
SECRET_KEYS: Final[Mapping[str, tuple[str, str]]] = {
    "stripeSigningSecret": ("stripe", "signing-secret"),
    "squareSignatureKey": ("square", "signature-key"),
    "squareNotificationUrl": ("square", "notification-url"),
    "paypalWebhookId": ("paypal", "webhook-id"),
    # PayPal REST app credentials for its verify-webhook-signature API (paypalVerification).
    "paypalClientId": ("paypal", "client-id"),
    "paypalClientSecret": ("paypal", "client-secret"),
    "adyenHmacKey": ("adyen", "hmac-key-hex"),
}


class ConfigError(pulumi.RunError):
    """Invalid stack configuration; the message names each offending key and its rule.

    A ``RunError``, so `pulumi preview`/`up` show the message without a Python traceback.
    """


def _suffix(value: str) -> str:
    if not _SUFFIX_PATTERN.fullmatch(value):
        msg = "lowercase letters, digits and single inner hyphens"
        raise ValueError(msg)
    if len(value) > max_suffix_length():
        msg = f"at most {max_suffix_length()} characters so every derived name fits AWS limits"
        raise ValueError(msg)
    return value


def _one_of(allowed: tuple[object, ...]) -> AfterValidator:
    def check(value: object) -> object:
        if value not in allowed:
            msg = f"one of {', '.join(map(str, allowed))}"
            raise ValueError(msg)
        return value

    return AfterValidator(check)


# A CloudWatch Logs destination must be in the log groups' region; Firehose and Kinesis streams
# must be in their account (a role of that account puts into them).
_ARCHIVE_LOGS = re.compile(rf"arn:aws:logs:{REGION}:\d{{12}}:destination:[^\s:]+")
_ARCHIVE_STREAM = re.compile(
    r"arn:aws:(?:firehose:[a-z0-9-]+:(?P<account>\d{12}):deliverystream"
    r"|kinesis:[a-z0-9-]+:(?P<kinesis_account>\d{12}):stream)/[^\s/]+"
)


def _archive_destination(value: str | None) -> str | None:
    if value is None or _ARCHIVE_LOGS.fullmatch(value) or _ARCHIVE_STREAM.fullmatch(value):
        return value
    msg = (
        f"a CloudWatch Logs destination in {REGION} (arn:aws:logs:{REGION}:<account>:"
        "destination:<name>), a Firehose delivery stream or a Kinesis stream ARN"
    )
    raise ValueError(msg)


def _true_or_false(value: object) -> object:
    """Only what `pulumi config set` users write for a boolean: true or false."""
    if isinstance(value, str) and value not in ("true", "false"):
        msg = "true or false"
        raise ValueError(msg)
    return value


TagValue = Annotated[str, Field(min_length=1, max_length=256, pattern=r"\S")]


class StackConfig(BaseModel):
    """The validated configuration of one stack (keys as in `pulumi config set`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    environment_suffix: Annotated[str, AfterValidator(_suffix)] = Field(alias="environmentSuffix")
    environment: TagValue = Field(alias="environment")
    cost_center: TagValue = Field(alias="costCenter")
    owner: TagValue = Field(alias="owner")
    reserved_concurrency: int = Field(100, ge=1, le=1000, alias="reservedConcurrency")
    max_retries: int = Field(5, ge=0, le=999, alias="maxRetries")
    log_retention_days: Annotated[int, _one_of(LOG_RETENTION_DAYS)] = Field(
        30, alias="logRetentionDays"
    )
    kms_deletion_window_days: int = Field(7, ge=7, le=30, alias="kmsDeletionWindowDays")
    lambda_memory_mb: int = Field(1024, ge=128, le=10240, alias="lambdaMemoryMb")
    lambda_timeout_seconds: int = Field(60, ge=1, le=900, alias="lambdaTimeoutSeconds")
    max_event_age_seconds: int = Field(3600, ge=60, le=21600, alias="maxEventAgeSeconds")
    log_level: Annotated[str, _one_of(LOG_LEVELS)] = Field("INFO", alias="logLevel")
    lambda_bundle: Path = Field(DEFAULT_BUNDLE, alias="lambdaBundle")
    paypal_sandbox: Annotated[bool, BeforeValidator(_true_or_false)] = Field(
        False, alias="paypalSandbox"
    )
    paypal_verification: Annotated[str, _one_of(PAYPAL_VERIFICATIONS)] = Field(
        "auto", alias="paypalVerification"
    )
    log_archive_destination_arn: Annotated[str | None, AfterValidator(_archive_destination)] = (
        Field(None, alias="logArchiveDestinationArn")
    )
    log_archive_role_arn: str | None = Field(
        None,
        alias="logArchiveRoleArn",
        pattern=r"^arn:aws:iam::\d{12}:role/\S+$",
        validate_default=True,
    )
    alert_email: str | None = Field(
        None, alias="alertEmail", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254
    )
    processor_max_concurrency: int | None = Field(
        None,
        ge=MIN_MAPPING_CONCURRENCY,
        le=1000,
        alias="processorMaxConcurrency",
        validate_default=True,
    )
    signature_rejection_threshold: int = Field(
        10, ge=0, le=1_000_000, alias="signatureRejectionThreshold"
    )
    ingest_age_alarm_seconds: int = Field(600, ge=60, le=1_209_600, alias="ingestAgeAlarmSeconds")

    @field_validator("processor_max_concurrency")
    @classmethod
    def _below_reservation(cls, wanted: int | None, info: ValidationInfo) -> int | None:
        """The SQS pollers may not scale past the processor's reserved concurrency: throttled
        invocations return messages to the queue, and each return counts toward the DLQ."""
        reserved = info.data.get("reserved_concurrency")
        if reserved is None:
            return wanted  # reservedConcurrency itself is invalid: that error says it all
        if wanted is None and reserved <= MIN_MAPPING_CONCURRENCY:
            msg = (
                f"needs reservedConcurrency above {MIN_MAPPING_CONCURRENCY} (got {reserved}): the "
                f"mapping's concurrency is at least {MIN_MAPPING_CONCURRENCY} and below it"
            )
            raise ValueError(msg)
        if wanted is not None and wanted >= reserved:
            msg = f"must be below reservedConcurrency ({reserved})"
            raise ValueError(msg)
        return wanted

    @field_validator("log_archive_role_arn")
    @classmethod
    def _archive_role(cls, role: str | None, info: ValidationInfo) -> str | None:
        """CloudWatch Logs puts into a Firehose or Kinesis stream (of this account) with a role;
        a Logs destination takes one only when its access policy admits a whole organisation."""
        if "log_archive_destination_arn" not in info.data:
            return role  # the destination itself is invalid: that error says it all
        destination: str | None = info.data["log_archive_destination_arn"]
        if role and destination is None:
            msg = "only with logArchiveDestinationArn"
            raise ValueError(msg)
        stream = _ARCHIVE_STREAM.fullmatch(destination or "")
        if stream and not role:
            msg = "required when logArchiveDestinationArn is a Firehose or Kinesis stream"
            raise ValueError(msg)
        account = stream and (stream.group("account") or stream.group("kinesis_account"))
        if account and role and role.split(":")[4] != account:
            msg = "must be in the account of the logArchiveDestinationArn stream"
            raise ValueError(msg)
        return role

    @property
    def naming(self) -> Naming:
        return Naming(self.environment_suffix, self.environment, self.cost_center, self.owner)

    @property
    def mapping_max_concurrency(self) -> int:
        """The SQS event source mapping's maximum concurrency: ``processorMaxConcurrency``, or
        90% of the reservation (at least 2), leaving room for other invocations."""
        if self.processor_max_concurrency is not None:
            return self.processor_max_concurrency
        return max(MIN_MAPPING_CONCURRENCY, self.reserved_concurrency * 9 // 10)

    @property
    def max_receive_count(self) -> int:
        """SQS receives before the DLQ: the first delivery plus ``max_retries`` retries."""
        return self.max_retries + 1

    @property
    def queue_visibility_timeout_seconds(self) -> int:
        """AWS's guidance for an SQS event source: at least 6x the consumer's timeout."""
        return 6 * self.lambda_timeout_seconds

    @classmethod
    def from_mapping(cls, raw: Mapping[str, str | None]) -> StackConfig:
        """Validate raw config strings; raise ConfigError listing every bad key and its rule."""
        given = {key: value for key, value in raw.items() if value is not None}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    lines = []
    fields = StackConfig.model_fields
    for error in exc.errors(include_url=False):
        # A validator on a defaulted field reports the field's Python name: show the config key.
        parts = [fields[p].alias or p if p in fields else p for p in map(str, error["loc"])]
        key = ".".join(parts)
        rule = str(error["msg"]).removeprefix("Value error, ")
        given = error["type"] != "missing" and error["input"] is not None
        got = f" (got {error['input']!r})" if given else ""
        lines.append(f"  {PROJECT}:{key}: {rule}{got}")
    return "invalid stack configuration:\n" + "\n".join(lines)


CONFIG_KEYS: Final = tuple(field.alias or name for name, field in StackConfig.model_fields.items())


def read_stack_config(config: pulumi.Config | None = None) -> StackConfig:
    """Read every plain key of this project's config (the one place that does)."""
    config = config or pulumi.Config()
    return StackConfig.from_mapping({key: config.get(key) for key in CONFIG_KEYS})


def read_secret_values(config: pulumi.Config | None = None) -> dict[str, pulumi.Output[str]]:
    """The signing values given as secret config (`pulumi config set --secret`), by config key."""
    config = config or pulumi.Config()
    found = {key: config.get_secret(key) for key in SECRET_KEYS}
    return {key: value for key, value in found.items() if value is not None}
