"""Cross-resource (stack) policies: each violation names the offending resource's URN; links are
followed through property dependencies (first preview) and through known values."""

from __future__ import annotations

import json

import pytest
from pulumi_policy import EnforcementLevel, StackValidationPolicy

from pci_pack import all_policies
from tests.policies.pack_harness import DLQ_ARN, UNKNOWN, check_stack, make, stack, urn

STACK_POLICIES = sorted(p.name for p in all_policies() if isinstance(p, StackValidationPolicy))


@pytest.mark.parametrize("deps", [True, False], ids=["by-dependency", "by-value"])
@pytest.mark.parametrize("name", STACK_POLICIES)
def test_compliant_stack_passes(name: str, deps: bool) -> None:
    assert check_stack(name, stack(deps=deps)) == []


def _one(found: list[tuple[str, str | None]], kind: str, *fragments: str) -> None:
    assert len(found) == 1, found
    message, where = found[0]
    assert where == urn(kind)
    assert "Fix: " in message
    for fragment in fragments:
        assert fragment in message


# --- explicit log group per function ---------------------------------------------------------


@pytest.mark.evidence("10.2.1")
@pytest.mark.parametrize("deps", [True, False])
def test_function_without_its_log_group_is_reported(deps: bool) -> None:
    found = check_stack("lambda-function-explicit-log-group", stack(drop=("log_group",), deps=deps))
    _one(
        found,
        "function",
        "'webhook-processor-dev'",
        "'/aws/lambda/webhook-processor-dev', which no log group in the stack declares",
        "logging_config",
    )


def test_default_log_group_name_counts_as_explicit() -> None:
    function = make("function", loggingConfig={"logFormat": "JSON"})
    assert check_stack("lambda-function-explicit-log-group", stack(function, deps=False)) == []


def test_log_group_configured_elsewhere_is_reported() -> None:
    function = make("function", loggingConfig={"logGroup": "/shared/everything"})
    found = check_stack("lambda-function-explicit-log-group", stack(function, deps=False))
    _one(found, "function", "'/shared/everything'")


def test_unknown_log_group_reference_passes_on_first_preview() -> None:
    function = make("function", loggingConfig={"logGroup": UNKNOWN})
    assert check_stack("lambda-function-explicit-log-group", stack(function, deps=False)) == []


# --- redrive of consumed queues ---------------------------------------------------------------


def _redrive(target: str = DLQ_ARN, count: float = 6) -> str:
    return json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": count})


@pytest.mark.evidence("10.7.2")
def test_consumed_queue_without_redrive_is_reported() -> None:
    found = check_stack("sqs-consumed-queue-redrive", stack(make("queue", redrivePolicy=None)))
    _one(found, "queue", "'webhook-events-dev'", "has no redrive policy", "maxReceiveCount': 6")


def test_receive_count_must_match_config() -> None:
    queue = make("queue", redrivePolicy=_redrive(count=3))
    found = check_stack("sqs-consumed-queue-redrive", stack(queue))
    _one(found, "queue", "redrives after 3 receives, not the configured 6")
    config = {"maxReceiveCount": 3.0}
    assert check_stack("sqs-consumed-queue-redrive", stack(queue), config) == []


@pytest.mark.parametrize("deps", [True, False])
def test_unencrypted_dlq_is_reported_on_the_consumed_queue(deps: bool) -> None:
    dlq = make("dlq", kmsMasterKeyId="alias/aws/sqs")
    found = check_stack("sqs-consumed-queue-redrive", stack(dlq, deps=deps))
    _one(found, "queue", "redrives to 'webhook-dlq-dev'", "AWS-managed key 'alias/aws/sqs'")


def test_dlq_outside_the_stack_is_reported() -> None:
    queue = make("queue", redrivePolicy=_redrive(target="arn:aws:sqs:us-east-1:1:elsewhere"))
    found = check_stack("sqs-consumed-queue-redrive", stack(queue, deps=False))
    _one(found, "queue", "not an SQS queue in this stack")


def test_unknown_redrive_still_checks_the_dlq_found_by_dependency() -> None:
    queue = make("queue", redrivePolicy=UNKNOWN)
    assert check_stack("sqs-consumed-queue-redrive", stack(queue)) == []
    dlq = make("dlq", kmsMasterKeyId=None)
    found = check_stack("sqs-consumed-queue-redrive", stack(queue, dlq))
    _one(found, "queue", "has no kmsMasterKeyId")


def test_invalid_redrive_json_is_reported() -> None:
    found = check_stack("sqs-consumed-queue-redrive", stack(make("queue", redrivePolicy="{")))
    _one(found, "queue", "not a JSON document")


def test_queue_nobody_consumes_needs_no_redrive() -> None:
    found = check_stack("sqs-consumed-queue-redrive", stack(make("dlq", redrivePolicy=None)))
    assert found == []


# --- visibility timeout vs consumer timeout ---------------------------------------------------


@pytest.mark.parametrize("deps", [True, False])
def test_short_visibility_timeout_is_reported(deps: bool) -> None:
    queue = make("queue", visibilityTimeoutSeconds=120.0)
    found = check_stack("sqs-visibility-timeout-covers-consumer", stack(queue, deps=deps))
    _one(
        found,
        "queue",
        "visibility timeout 120 s, below 6 x the 60 s timeout",
        "'webhook-processor-dev'",
        "visibility_timeout_seconds>=360",
    )


def test_visibility_multiplier_comes_from_config() -> None:
    queue = make("queue", visibilityTimeoutSeconds=120.0)
    config = {"multiplier": 2.0}
    assert check_stack("sqs-visibility-timeout-covers-consumer", stack(queue), config) == []


def test_visibility_default_is_aws_default() -> None:
    queue = make("queue", visibilityTimeoutSeconds=None)
    found = check_stack("sqs-visibility-timeout-covers-consumer", stack(queue))
    _one(found, "queue", "visibility timeout 30 s")


def test_unknown_timeouts_pass() -> None:
    queue = make("queue", visibilityTimeoutSeconds=UNKNOWN)
    assert check_stack("sqs-visibility-timeout-covers-consumer", stack(queue)) == []


# --- public function URLs ---------------------------------------------------------------------


@pytest.mark.evidence("1.3.1")
@pytest.mark.parametrize("deps", [True, False])
def test_public_url_on_untagged_function_is_reported(deps: bool) -> None:
    tags = {**make("receiver").props["tags"], "Component": "webhook-processor"}
    found = check_stack(
        "lambda-function-url-public-receiver-only", stack(make("receiver", tags=tags), deps=deps)
    )
    _one(
        found,
        "function_url",
        "'webhook-receiver-url-dev'",
        "is public (authorization NONE) for 'webhook-receiver-dev'",
        "authorization_type='AWS_IAM'",
    )


def test_iam_authorised_url_is_fine_anywhere() -> None:
    url = make("function_url", authorizationType="AWS_IAM", functionName="webhook-processor-dev")
    assert check_stack("lambda-function-url-public-receiver-only", stack(url, deps=False)) == []


def test_public_url_rule_is_advisory() -> None:
    policy = next(p for p in all_policies() if p.name == "lambda-function-url-public-receiver-only")
    assert policy.enforcement_level == EnforcementLevel.ADVISORY


# --- TLS-only queue and topic policies --------------------------------------------------------


@pytest.mark.evidence("4.2.1")
@pytest.mark.parametrize("deps", [True, False])
def test_queue_policy_without_tls_deny_is_reported(deps: bool) -> None:
    allow_only = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}
    )
    found = check_stack(
        "sqs-sns-deny-insecure-transport",
        stack(make("queue_policy", policy=allow_only), deps=deps),
    )
    _one(
        found,
        "queue",
        "'webhook-events-dev'",
        "no access-policy statement denying non-TLS requests",
        "aws:SecureTransport",
    )


def test_missing_topic_policy_is_reported() -> None:
    found = check_stack("sqs-sns-deny-insecure-transport", stack(drop=("topic_policy",)))
    _one(found, "topic", "'payment-events-dev'", "has no access policy", "TopicPolicy")


def test_inline_queue_policy_counts() -> None:
    inline = make("dlq_policy").props["policy"]
    resources = stack(make("dlq", policy=inline), drop=("dlq_policy",))
    assert check_stack("sqs-sns-deny-insecure-transport", resources) == []


def test_unknown_attached_policy_passes_on_first_preview() -> None:
    resources = stack(make("queue_policy", policy=UNKNOWN, queueUrl=UNKNOWN))
    assert check_stack("sqs-sns-deny-insecure-transport", resources) == []


# --- provider region --------------------------------------------------------------------------


def test_provider_in_another_region_is_reported() -> None:
    found = check_stack("aws-provider-allowed-region", stack(make("provider", region="eu-west-1")))
    _one(found, "provider", "'aws-provider-dev'", "deploys to eu-west-1", "us-east-1")
    config = {"allowedRegions": ["eu-west-1"]}
    assert (
        check_stack(
            "aws-provider-allowed-region", stack(make("provider", region="eu-west-1")), config
        )
        == []
    )


def test_provider_without_region_is_reported() -> None:
    found = check_stack("aws-provider-allowed-region", stack(make("provider", region=None)))
    _one(found, "provider", "no explicit region")
