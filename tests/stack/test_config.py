"""Config validation: one valid and one invalid input per rule, matching the message text."""

from __future__ import annotations

import pytest

from stack.config import CONFIG_KEYS, SECRET_KEYS, ConfigError, StackConfig
from stack.naming import NAME_LIMITS, max_suffix_length

REQUIRED = {"environmentSuffix": "dev", "environment": "dev", "costCenter": "cc", "owner": "me"}


def load(**overrides: str | None) -> StackConfig:
    return StackConfig.from_mapping({**REQUIRED, **overrides})


def test_defaults_are_the_documented_ones() -> None:
    config = load()
    assert config.reserved_concurrency == 100
    assert config.max_retries == 5
    assert config.log_retention_days == 30
    assert config.kms_deletion_window_days == 7
    assert config.lambda_memory_mb == 1024
    assert config.lambda_timeout_seconds == 60


def test_values_arrive_as_strings_like_pulumi_config() -> None:
    config = load(reservedConcurrency="50", maxRetries="3", lambdaTimeoutSeconds="30")
    assert (config.reserved_concurrency, config.max_retries, config.lambda_timeout_seconds) == (
        50,
        3,
        30,
    )


def test_redrive_count_is_first_delivery_plus_retries() -> None:
    assert load(maxRetries="5").max_receive_count == 6
    assert load(maxRetries="0").max_receive_count == 1


def test_visibility_timeout_is_six_times_the_function_timeout() -> None:
    assert load(lambdaTimeoutSeconds="60").queue_visibility_timeout_seconds == 360


@pytest.mark.parametrize("key", ["environmentSuffix", "environment", "costCenter", "owner"])
def test_required_keys_are_named_when_missing(key: str) -> None:
    with pytest.raises(ConfigError, match=rf"payment-webhooks:{key}: Field required"):
        load(**{key: None})


@pytest.mark.parametrize("key", ["environment", "costCenter", "owner"])
def test_tag_values_must_not_be_blank(key: str) -> None:
    with pytest.raises(ConfigError, match=rf"payment-webhooks:{key}:"):
        load(**{key: "   "})


@pytest.mark.parametrize("suffix", ["Dev", "dev_1", "-dev", "dev-", "de--v", "dév", ""])
def test_suffix_charset(suffix: str) -> None:
    with pytest.raises(ConfigError, match="environmentSuffix: lowercase letters, digits"):
        load(environmentSuffix=suffix)


@pytest.mark.parametrize("suffix", ["dev", "pr-123", "eu1", "a"])
def test_suffix_accepted(suffix: str) -> None:
    assert load(environmentSuffix=suffix).environment_suffix == suffix


def test_suffix_length_is_bounded_by_the_tightest_aws_name_limit() -> None:
    longest = "a" * max_suffix_length()
    config = load(environmentSuffix=longest)
    for resource_type, limit in NAME_LIMITS.items():
        assert len(config.naming.name(resource_type)) <= limit, resource_type
    with pytest.raises(ConfigError, match=f"at most {max_suffix_length()} characters"):
        load(environmentSuffix=longest + "a")


def test_suffix_limit_comes_from_the_iam_role_name() -> None:
    # "webhook-processor-role-" is the longest prefix with a 64-character limit.
    assert max_suffix_length() == 64 - len("webhook-processor-role-")


@pytest.mark.parametrize(
    ("key", "bad", "rule"),
    [
        ("kmsDeletionWindowDays", "6", "greater than or equal to 7"),
        ("kmsDeletionWindowDays", "31", "less than or equal to 30"),
        ("lambdaMemoryMb", "big", "valid integer"),
        ("lambdaMemoryMb", "64", "greater than or equal to 128"),
        ("lambdaTimeoutSeconds", "901", "less than or equal to 900"),
        ("reservedConcurrency", "0", "greater than or equal to 1"),
        ("maxRetries", "-1", "greater than or equal to 0"),
        ("logRetentionDays", "31", "one of 1, 3, 5"),
        ("logLevel", "LOUD", "one of DEBUG, INFO"),
        ("alertEmail", "not-an-address", "should match pattern"),
        ("paypalSandbox", "yes", "true or false"),
        ("paypalVerification", "remote", "one of auto, api, local"),
        ("logArchiveRoleArn", "role/x", "should match pattern"),
    ],
)
def test_bad_values_name_the_key_the_rule_and_the_value(key: str, bad: str, rule: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(**{key: bad})
    message = str(caught.value)
    assert f"payment-webhooks:{key}: " in message
    assert rule in message
    assert repr(bad) in message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load(kmsDeletionWindowDays="45", lambdaMemoryMb="big", owner=None)
    message = str(caught.value)
    for key in ("kmsDeletionWindowDays", "lambdaMemoryMb", "owner"):
        assert key in message


def test_secrets_are_not_plain_config_keys() -> None:
    assert not set(SECRET_KEYS) & set(CONFIG_KEYS)


FIREHOSE = "arn:aws:firehose:us-east-1:123456789012:deliverystream/log-archive"
KINESIS = "arn:aws:kinesis:us-east-1:123456789012:stream/log-archive"
ROLE = "arn:aws:iam::123456789012:role/logs-to-firehose"
DESTINATION = "arn:aws:logs:us-east-1:111122223333:destination:pci-log-archive"


@pytest.mark.parametrize(
    "destination",
    [
        "s3://bucket",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x",  # not a destination
        "arn:aws:logs:eu-west-1:111122223333:destination:d",  # not the stack's region
        "arn:aws:kinesis:us-east-1:123456789012:deliverystream/x",  # wrong kind for Kinesis
    ],
)
def test_archive_destinations_aws_would_refuse_are_refused(destination: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(logArchiveDestinationArn=destination, logArchiveRoleArn=ROLE)
    message = str(caught.value)
    assert "logArchiveDestinationArn: a CloudWatch Logs destination in us-east-1" in message
    assert "logArchiveRoleArn" not in message  # one problem, one message


@pytest.mark.parametrize("stream", [FIREHOSE, KINESIS])
def test_a_stream_archive_needs_a_role_of_its_account(stream: str) -> None:
    with pytest.raises(ConfigError, match=r"logArchiveRoleArn: required when .*stream$"):
        load(logArchiveDestinationArn=stream)
    with pytest.raises(ConfigError, match="logArchiveRoleArn: must be in the account"):
        load(logArchiveDestinationArn=stream, logArchiveRoleArn=ROLE.replace("1234", "9999"))
    assert load(logArchiveDestinationArn=stream, logArchiveRoleArn=ROLE).log_archive_role_arn


def test_a_logs_destination_takes_a_role_only_if_given() -> None:
    # An organisation-wide destination policy needs a role in the sending account; a
    # per-account one needs none (AWS's cross-account subscription guide).
    assert load(logArchiveDestinationArn=DESTINATION).log_archive_role_arn is None
    assert load(logArchiveDestinationArn=DESTINATION, logArchiveRoleArn=ROLE).log_archive_role_arn
    with pytest.raises(ConfigError, match="logArchiveRoleArn: only with logArchiveDestinationArn"):
        load(logArchiveRoleArn=ROLE)
