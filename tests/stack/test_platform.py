"""Every rule of the stack, asserted on the resources the engine would receive."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compliance.preview import Preview, ProgramError, Resource
from pci_pack.general import required_tags
from pci_pack.props import type_key
from stack import iam
from stack.secrets import PLACEHOLDER
from tests.stack.test_resource_policies import SNS_TOPIC_ACTIONS
from webhook_processor.config import DEFAULT_MAX_BODY_BYTES

SUFFIX = "qa"


# Types whose AWS resources take tags: the policy pack's list (the required-tags rule's own), so
# the stack and the rule agree; every other custom type must be listed as not taggable, so a new
# resource type cannot slip past the tagging rule unclassified.
def taggable(resource_type: str) -> bool:
    return type_key(resource_type) in required_tags.TAGGABLE


NOT_TAGGABLE = {
    "aws:kms/alias:Alias",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:lambda/functionUrl:FunctionUrl",
    "aws:lambda/permission:Permission",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    "aws:cloudwatch/dashboard:Dashboard",
}


def one(stack: Preview, type_: str, name: str | None = None) -> Resource:
    found = [r for r in stack.of_type(type_) if name is None or r.name == name]
    assert len(found) == 1, f"expected one {type_} {name or ''}, found {[r.urn for r in found]}"
    return found[0]


def custom(stack: Preview) -> list[Resource]:
    return [r for r in stack.resources if r.custom and not r.type.startswith("pulumi:providers:")]


def key_arn(stack: Preview) -> str:
    return one(stack, "aws:kms/key:Key").outputs["arn"]


def functions(stack: Preview) -> list[Resource]:
    return stack.of_type("aws:lambda/function:Function")


# --- inventory, names, tags, region -------------------------------------------------------


def test_inventory(stack: Preview) -> None:
    counts = {t: c for t, c in stack.counts_by_type().items() if not t.startswith("pulumi:")}
    assert counts == {
        "aws:cloudwatch/logGroup:LogGroup": 2,
        "aws:dynamodb/table:Table": 1,
        "aws:iam/role:Role": 2,
        "aws:iam/rolePolicy:RolePolicy": 2,
        "aws:kms/alias:Alias": 1,
        "aws:kms/key:Key": 1,
        "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
        "aws:lambda/function:Function": 2,
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 2,
        "aws:lambda/functionUrl:FunctionUrl": 1,
        "aws:lambda/permission:Permission": 2,
        "aws:sns/topic:Topic": 2,
        "aws:sns/topicPolicy:TopicPolicy": 2,
        "aws:cloudwatch/metricAlarm:MetricAlarm": 9,
        "aws:cloudwatch/dashboard:Dashboard": 1,
        "payment-webhooks:alerting:Alerting": 1,
        "payment-webhooks:dashboard:PipelineDashboard": 1,
        "aws:sqs/queue:Queue": 2,
        "aws:sqs/queuePolicy:QueuePolicy": 2,
        "aws:ssm/parameter:Parameter": 7,
        "payment-webhooks:functions:WebhookFunctions": 1,
        "payment-webhooks:index:PaymentWebhooks": 1,
        "payment-webhooks:messaging:Messaging": 1,
        "payment-webhooks:secrets:WebhookSecrets": 1,
        "payment-webhooks:security:EncryptionKey": 1,
        "payment-webhooks:storage:TransactionTable": 1,
    }


def test_every_resource_name_carries_the_suffix(stack: Preview) -> None:
    for resource in stack.resources:
        if resource.type != "pulumi:pulumi:Stack":
            assert resource.name.endswith(f"-{SUFFIX}"), resource.urn


@pytest.mark.parametrize(
    ("type_", "physical"),
    [
        ("aws:dynamodb/table:Table", {"payment-transactions-qa"}),
        ("aws:sns/topic:Topic", {"payment-events-qa", "payment-alerts-qa"}),
        (
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            {
                "webhook-dlq-alarm-qa",
                "webhook-receiver-errors-alarm-qa",
                "webhook-processor-errors-alarm-qa",
                "webhook-receiver-throttles-alarm-qa",
                "webhook-processor-throttles-alarm-qa",
                "webhook-signature-rejections-alarm-qa",
                "webhook-failed-closed-alarm-qa",
                "webhook-enqueue-failures-alarm-qa",
                "webhook-ingest-age-alarm-qa",
            },
        ),
        ("aws:sqs/queue:Queue", {"webhook-events-qa", "webhook-dlq-qa"}),
        ("aws:lambda/function:Function", {"webhook-receiver-qa", "webhook-processor-qa"}),
        ("aws:iam/role:Role", {"webhook-receiver-role-qa", "webhook-processor-role-qa"}),
        (
            "aws:cloudwatch/logGroup:LogGroup",
            {"/aws/lambda/webhook-receiver-qa", "/aws/lambda/webhook-processor-qa"},
        ),
        ("aws:kms/alias:Alias", {"alias/payment-webhooks-key-qa"}),
        (
            "aws:ssm/parameter:Parameter",
            {
                "/payment-webhooks/qa/stripe/signing-secret",
                "/payment-webhooks/qa/square/signature-key",
                "/payment-webhooks/qa/square/notification-url",
                "/payment-webhooks/qa/paypal/webhook-id",
                "/payment-webhooks/qa/paypal/client-id",
                "/payment-webhooks/qa/paypal/client-secret",
                "/payment-webhooks/qa/adyen/hmac-key-hex",
            },
        ),
    ],
)
def test_physical_names(stack: Preview, type_: str, physical: set[str]) -> None:
    assert {r.inputs["name"] for r in stack.of_type(type_)} == physical


def test_every_custom_type_is_classified_for_tagging(stack: Preview) -> None:
    assert {r.type for r in custom(stack) if not taggable(r.type)} <= NOT_TAGGABLE


@pytest.mark.evidence("12.5.1")
def test_every_taggable_resource_carries_the_required_tags(stack: Preview) -> None:
    expected = {
        "Environment": "testing",
        "CostCenter": "cc-1234",
        "Owner": "payments-team@example.com",
    }
    tagged = [r for r in custom(stack) if taggable(r.type)]
    assert len(tagged) == 29
    for resource in tagged:
        tags = resource.inputs.get("tags") or {}
        assert expected.items() <= tags.items(), resource.urn


def test_provider_is_pinned_to_us_east_1_with_default_tags(stack: Preview) -> None:
    provider = one(stack, "pulumi:providers:aws")
    assert provider.inputs["region"] == "us-east-1"
    default_tags = provider.inputs["defaultTags"]
    tags = (
        json.loads(default_tags)["tags"] if isinstance(default_tags, str) else default_tags["tags"]
    )
    assert tags == {
        "Environment": "testing",
        "CostCenter": "cc-1234",
        "Owner": "payments-team@example.com",
    }


def test_every_aws_resource_uses_the_pinned_provider(stack: Preview) -> None:
    provider = one(stack, "pulumi:providers:aws")
    for resource in custom(stack):
        assert resource.provider == provider.urn, resource.urn


def test_components_parent_their_children(stack: Preview) -> None:
    top = one(stack, "payment-webhooks:index:PaymentWebhooks")
    components = [
        r for r in stack.resources if r.type.startswith("payment-webhooks:") and r is not top
    ]
    assert {c.parent for c in components} == {top.urn}
    for resource in custom(stack):
        assert resource.parent in {c.urn for c in components}, resource.urn


# --- destroyability ----------------------------------------------------------------------


def test_nothing_is_protected_or_retained(stack: Preview) -> None:
    for resource in stack.resources:
        assert not resource.options.protect, resource.urn
        assert not resource.options.retain_on_delete, resource.urn


def test_no_deletion_protection(stack: Preview) -> None:
    assert one(stack, "aws:dynamodb/table:Table").inputs["deletionProtectionEnabled"] is False


# --- encryption: one CMK for everything ---------------------------------------------------


@pytest.mark.evidence("3.6.1", "3.7.4")
def test_key_rotates_and_can_be_destroyed_within_the_window(stack: Preview) -> None:
    key = one(stack, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 7


def test_deletion_window_follows_config(preview_stack: Callable[..., Preview]) -> None:
    key = one(preview_stack(kmsDeletionWindowDays="30"), "aws:kms/key:Key")
    assert key.inputs["deletionWindowInDays"] == 30


def test_alias_targets_the_key(stack: Preview) -> None:
    alias = one(stack, "aws:kms/alias:Alias")
    assert alias.inputs["targetKeyId"] == one(stack, "aws:kms/key:Key").outputs["keyId"]


def test_key_policy_lets_logs_use_it_for_the_stack_log_groups(stack: Preview) -> None:
    policy = json.loads(one(stack, "aws:kms/key:Key").inputs["policy"])
    (logs,) = [s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsForStackLogGroups"]
    arns = logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
    groups = {r.outputs["arn"] for r in stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert set(arns) == groups


@pytest.mark.evidence("3.5.1")
def test_everything_is_encrypted_with_the_one_cmk(stack: Preview) -> None:
    arn = key_arn(stack)
    table = one(stack, "aws:dynamodb/table:Table")
    assert table.inputs["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": arn}
    for queue in stack.of_type("aws:sqs/queue:Queue"):
        assert queue.inputs["kmsMasterKeyId"] == arn, queue.urn
    for topic in stack.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"] == arn, topic.urn
    for parameter in stack.of_type("aws:ssm/parameter:Parameter"):
        assert parameter.inputs["type"] == "SecureString", parameter.urn
        assert parameter.inputs["keyId"] == arn, parameter.urn
    for group in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs["kmsKeyId"] == arn, group.urn
    for function in functions(stack):
        assert function.inputs["kmsKeyArn"] == arn, function.urn


# --- storage ------------------------------------------------------------------------------


@pytest.mark.evidence("10.5.1")
def test_table_keys_billing_and_recovery(stack: Preview) -> None:
    table = one(stack, "aws:dynamodb/table:Table").inputs
    assert table["hashKey"] == "transaction_id"
    assert table["rangeKey"] == "timestamp"
    assert sorted(table["attributes"], key=lambda a: a["name"]) == [
        {"name": "timestamp", "type": "S"},
        {"name": "transaction_id", "type": "S"},
    ]
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert table["pointInTimeRecovery"] == {"enabled": True}


# --- messaging ----------------------------------------------------------------------------


def queue(stack: Preview, name: str) -> Resource:
    (found,) = [q for q in stack.of_type("aws:sqs/queue:Queue") if q.inputs["name"] == name]
    return found


def test_redrive_after_first_delivery_plus_max_retries(stack: Preview) -> None:
    ingest, dlq = queue(stack, "webhook-events-qa"), queue(stack, "webhook-dlq-qa")
    assert json.loads(ingest.inputs["redrivePolicy"]) == {
        "deadLetterTargetArn": dlq.outputs["arn"],
        "maxReceiveCount": 6,
    }
    assert "redrivePolicy" not in dlq.inputs or not dlq.inputs["redrivePolicy"]


def test_redrive_follows_max_retries(preview_stack: Callable[..., Preview]) -> None:
    ingest = queue(preview_stack(maxRetries="2"), "webhook-events-qa")
    assert json.loads(ingest.inputs["redrivePolicy"])["maxReceiveCount"] == 3


def test_visibility_timeout_is_six_times_the_processor_timeout(
    preview_stack: Callable[..., Preview],
) -> None:
    for timeout in ("60", "45"):
        stack = preview_stack(lambdaTimeoutSeconds=timeout)
        assert queue(stack, "webhook-events-qa").inputs["visibilityTimeoutSeconds"] == 6 * int(
            timeout
        )
        for function in functions(stack):
            assert function.inputs["timeout"] == int(timeout)


def test_queues_take_the_largest_envelope_the_receiver_can_send(stack: Preview) -> None:
    for each in stack.of_type("aws:sqs/queue:Queue"):
        assert each.inputs["maxMessageSize"] == 1024 * 1024 > DEFAULT_MAX_BODY_BYTES, each.urn


@pytest.mark.evidence("3.2.1")
def test_dlq_keeps_messages_14_days(stack: Preview) -> None:
    assert queue(stack, "webhook-dlq-qa").inputs["messageRetentionSeconds"] == 14 * 24 * 3600


@pytest.mark.evidence("4.2.1")
def test_queues_and_topic_deny_non_tls_access(stack: Preview) -> None:
    policies = {
        r.inputs["queueUrl"]: json.loads(r.inputs["policy"])
        for r in stack.of_type("aws:sqs/queuePolicy:QueuePolicy")
    }
    targets = [
        (q.outputs["url"], "sqs", q.outputs["arn"]) for q in stack.of_type("aws:sqs/queue:Queue")
    ]
    for topic_policy in stack.of_type("aws:sns/topicPolicy:TopicPolicy"):
        policies[topic_policy.inputs["arn"]] = json.loads(topic_policy.inputs["policy"])
    targets += [
        (t.outputs["arn"], "sns", t.outputs["arn"]) for t in stack.of_type("aws:sns/topic:Topic")
    ]
    assert len(targets) == 4
    for key, service, arn in targets:
        (deny,) = [s for s in policies[key]["Statement"] if s["Effect"] == "Deny"]
        assert deny["Action"] == ("sqs:*" if service == "sqs" else SNS_TOPIC_ACTIONS)
        assert deny["Resource"] == arn
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# --- alerting -----------------------------------------------------------------------------


def alarms(stack: Preview) -> dict[str, dict[str, Any]]:
    return {
        a.inputs["name"]: a.inputs for a in stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    }


@pytest.mark.evidence("10.7.2")
def test_dead_letters_and_function_errors_alarm_the_alerts_topic(stack: Preview) -> None:
    topic = one(stack, "aws:sns/topic:Topic", "payment-alerts-qa").outputs["arn"]
    kept = ("webhook-dlq-alarm-qa", "webhook-receiver-errors-alarm-qa",
            "webhook-processor-errors-alarm-qa")  # fmt: skip
    found = {name: a for name, a in alarms(stack).items() if name in kept}
    watched = {
        name: (a["namespace"], a["metricName"], a["statistic"], a["dimensions"])
        for name, a in found.items()
    }
    assert watched == {
        "webhook-dlq-alarm-qa": (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "Maximum",
            {"QueueName": "webhook-dlq-qa"},
        ),
        "webhook-receiver-errors-alarm-qa": (
            "AWS/Lambda",
            "Errors",
            "Sum",
            {"FunctionName": "webhook-receiver-qa"},
        ),
        "webhook-processor-errors-alarm-qa": (
            "AWS/Lambda",
            "Errors",
            "Sum",
            {"FunctionName": "webhook-processor-qa"},
        ),
    }
    for name, alarm in found.items():
        assert (alarm["comparisonOperator"], alarm["threshold"]) == ("GreaterThanThreshold", 0), (
            name
        )
        assert (alarm["period"], alarm["evaluationPeriods"]) == (300, 1), name
        assert alarm["alarmActions"] == [topic], name
        assert alarm["okActions"] == [topic], name


def test_only_this_stacks_alarms_may_publish_alerts(stack: Preview) -> None:
    topic = one(stack, "aws:sns/topic:Topic", "payment-alerts-qa")
    (policy,) = [
        json.loads(p.inputs["policy"])
        for p in stack.of_type("aws:sns/topicPolicy:TopicPolicy")
        if p.inputs["arn"] == topic.outputs["arn"]
    ]
    (publish,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    account = key_arn(stack).split(":")[4]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnEquals": {
            "aws:SourceArn": sorted(
                a.outputs["arn"] for a in stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
            )
        },
    }


def test_alert_email_subscribes_to_the_alerts_topic(preview_stack: Callable[..., Preview]) -> None:
    assert not preview_stack().of_type("aws:sns/topicSubscription:TopicSubscription")
    stack = preview_stack(alertEmail="oncall@example.com")
    subscription = one(stack, "aws:sns/topicSubscription:TopicSubscription").inputs
    topic = one(stack, "aws:sns/topic:Topic", "payment-alerts-qa").outputs["arn"]
    assert (subscription["topic"], subscription["protocol"], subscription["endpoint"]) == (
        topic,
        "email",
        "oncall@example.com",
    )


# --- functions ----------------------------------------------------------------------------


@pytest.mark.evidence("6.3.3")
def test_function_runtime_settings(stack: Preview) -> None:
    assert len(functions(stack)) == 2
    for function in functions(stack):
        inputs = function.inputs
        assert inputs["architectures"] == ["arm64"], function.urn
        assert inputs["memorySize"] == 1024, function.urn
        assert inputs["timeout"] == 60, function.urn
        assert inputs["tracingConfig"] == {"mode": "Active"}, function.urn
        assert inputs["reservedConcurrentExecutions"] == 100, function.urn
        runtime = inputs["runtime"]
        assert runtime.startswith("python3.")
        assert int(runtime.removeprefix("python3.")) >= 12, function.urn


def test_function_settings_follow_config(preview_stack: Callable[..., Preview]) -> None:
    stack = preview_stack(lambdaMemoryMb="2048", reservedConcurrency="20")
    for function in functions(stack):
        assert function.inputs["memorySize"] == 2048
        assert function.inputs["reservedConcurrentExecutions"] == 20


def test_handlers_and_one_bundle(stack: Preview) -> None:
    handlers = {f.inputs["name"]: f.inputs["handler"] for f in functions(stack)}
    assert handlers == {
        "webhook-receiver-qa": "webhook_processor.receiver.handler",
        "webhook-processor-qa": "webhook_processor.processor.handler",
    }
    codes = {json.dumps(f.inputs["code"], sort_keys=True) for f in functions(stack)}
    assert len(codes) == 1


@pytest.mark.evidence("10.2.1", "10.5.1")
def test_each_function_logs_to_its_own_encrypted_log_group(stack: Preview) -> None:
    groups = {g.inputs["name"]: g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for function in functions(stack):
        name = f"/aws/lambda/{function.inputs['name']}"
        assert groups[name].inputs["retentionInDays"] == 30
        assert function.inputs["loggingConfig"] == {
            "logFormat": "JSON",
            "logGroup": name,
            "applicationLogLevel": "INFO",
            "systemLogLevel": "INFO",
        }
        assert groups[name].urn in function.property_dependencies["loggingConfig"]


def test_no_archive_is_subscribed_unless_configured(stack: Preview) -> None:
    assert not stack.of_type("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")


@pytest.mark.evidence("10.5.1")
@pytest.mark.parametrize(
    ("destination", "role"),
    [
        ("arn:aws:logs:us-east-1:111122223333:destination:pci-log-archive", None),
        (
            "arn:aws:firehose:us-east-1:123456789012:deliverystream/log-archive",
            "arn:aws:iam::123456789012:role/logs-to-firehose",
        ),
    ],
)
def test_a_configured_archive_receives_every_event_of_both_log_groups(
    preview_stack: Callable[..., Preview], destination: str, role: str | None
) -> None:
    config = {
        "logArchiveDestinationArn": destination,
        **({"logArchiveRoleArn": role} if role else {}),
    }
    stack = preview_stack(**config)
    filters = stack.of_type("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
    assert {f.inputs["logGroup"] for f in filters} == {
        "/aws/lambda/webhook-receiver-qa",
        "/aws/lambda/webhook-processor-qa",
    }
    for each in filters:
        assert each.inputs["filterPattern"] == ""
        assert each.inputs["destinationArn"] == destination
        assert each.inputs.get("roleArn") == role
        assert each.inputs["name"].endswith("-log-archive-qa")


@pytest.mark.parametrize(("level", "lambda_level"), [("DEBUG", "DEBUG"), ("WARNING", "WARN")])
def test_log_level_reaches_both_lambda_and_powertools(
    preview_stack: Callable[..., Preview], level: str, lambda_level: str
) -> None:
    for function in functions(preview_stack(logLevel=level)):
        assert function.inputs["loggingConfig"]["applicationLogLevel"] == lambda_level
        assert function.inputs["environment"]["variables"]["POWERTOOLS_LOG_LEVEL"] == level


def test_failed_async_events_go_to_the_dlq(stack: Preview) -> None:
    dlq_arn = queue(stack, "webhook-dlq-qa").outputs["arn"]
    configs = stack.of_type("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    assert {c.inputs["functionName"] for c in configs} == {
        f.inputs["name"] for f in functions(stack)
    }
    for config in configs:
        assert config.inputs["maximumRetryAttempts"] == 2
        assert config.inputs["maximumEventAgeInSeconds"] == 3600
        assert config.inputs["destinationConfig"] == {"onFailure": {"destination": dlq_arn}}
    for function in functions(stack):
        assert function.inputs["deadLetterConfig"] == {"targetArn": dlq_arn}


def test_processor_consumes_the_ingest_queue_with_partial_batch_failures(stack: Preview) -> None:
    mapping = one(stack, "aws:lambda/eventSourceMapping:EventSourceMapping").inputs
    processor = one(stack, "aws:lambda/function:Function", "webhook-processor-qa")
    assert mapping["eventSourceArn"] == queue(stack, "webhook-events-qa").outputs["arn"]
    assert mapping["functionName"] == processor.outputs["arn"]
    assert mapping["batchSize"] == 10
    assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"]


@pytest.mark.evidence("1.3.1")
def test_receiver_url_is_public_only_through_the_two_required_permissions(stack: Preview) -> None:
    url = one(stack, "aws:lambda/functionUrl:FunctionUrl").inputs
    assert url["functionName"] == "webhook-receiver-qa"
    assert url["authorizationType"] == "NONE"
    permissions = sorted(
        (p.inputs for p in stack.of_type("aws:lambda/permission:Permission")),
        key=lambda p: p["action"],
    )
    assert [(p["action"], p["principal"], p["function"]) for p in permissions] == [
        ("lambda:InvokeFunction", "*", "webhook-receiver-qa"),
        ("lambda:InvokeFunctionUrl", "*", "webhook-receiver-qa"),
    ]
    assert permissions[0]["invokedViaFunctionUrl"] is True
    assert permissions[1]["functionUrlAuthType"] == "NONE"


def test_only_the_receiver_is_marked_as_a_public_webhook_endpoint(stack: Preview) -> None:
    components = {f.inputs["name"]: f.inputs["tags"]["Component"] for f in functions(stack)}
    assert components == {
        "webhook-receiver-qa": "webhook-receiver",
        "webhook-processor-qa": "webhook-processor",
    }


# --- environment: the contract with the handler code ---------------------------------------


def environment(stack: Preview, name: str) -> dict[str, Any]:
    return one(stack, "aws:lambda/function:Function", name).inputs["environment"]["variables"]


def test_receiver_environment(stack: Preview) -> None:
    params = {p.inputs["name"]: p for p in stack.of_type("aws:ssm/parameter:Parameter")}
    assert environment(stack, "webhook-receiver-qa") == {
        "INGEST_QUEUE_URL": queue(stack, "webhook-events-qa").outputs["url"],
        "DLQ_URL": queue(stack, "webhook-dlq-qa").outputs["url"],
        "STRIPE_SIGNING_SECRET_PARAM": "/payment-webhooks/qa/stripe/signing-secret",
        "SQUARE_SIGNATURE_KEY_PARAM": "/payment-webhooks/qa/square/signature-key",
        "SQUARE_NOTIFICATION_URL_PARAM": "/payment-webhooks/qa/square/notification-url",
        "PAYPAL_WEBHOOK_ID_PARAM": "/payment-webhooks/qa/paypal/webhook-id",
        "PAYPAL_CLIENT_ID_PARAM": "/payment-webhooks/qa/paypal/client-id",
        "PAYPAL_CLIENT_SECRET_PARAM": "/payment-webhooks/qa/paypal/client-secret",
        "ADYEN_HMAC_KEY_HEX_PARAM": "/payment-webhooks/qa/adyen/hmac-key-hex",
        "PAYPAL_SANDBOX": "false",
        "PAYPAL_VERIFICATION": "auto",
        "POWERTOOLS_SERVICE_NAME": "webhook-receiver",
        "POWERTOOLS_METRICS_NAMESPACE": "payment-webhooks-qa",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    assert set(params) == {
        v for k, v in environment(stack, "webhook-receiver-qa").items() if k.endswith("_PARAM")
    }


def test_paypal_sandbox_is_opt_in(preview_stack: Callable[..., Preview]) -> None:
    env = environment(preview_stack(paypalSandbox="true"), "webhook-receiver-qa")
    assert env["PAYPAL_SANDBOX"] == "true"


@pytest.mark.parametrize("choice", ["api", "local"])
def test_the_paypal_verification_choice_reaches_the_receiver(
    preview_stack: Callable[..., Preview], choice: str
) -> None:
    env = environment(preview_stack(paypalVerification=choice), "webhook-receiver-qa")
    assert env["PAYPAL_VERIFICATION"] == choice


def test_processor_environment(stack: Preview) -> None:
    assert environment(stack, "webhook-processor-qa") == {
        "TABLE_NAME": "payment-transactions-qa",
        "TOPIC_ARN": one(stack, "aws:sns/topic:Topic", "payment-events-qa").outputs["arn"],
        "DLQ_URL": queue(stack, "webhook-dlq-qa").outputs["url"],
        "POWERTOOLS_SERVICE_NAME": "webhook-processor",
        "POWERTOOLS_METRICS_NAMESPACE": "payment-webhooks-qa",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


# --- secrets ------------------------------------------------------------------------------


@pytest.mark.evidence("8.6.2")
def test_unset_secrets_hold_the_fail_closed_placeholder_and_ignore_rotation(stack: Preview) -> None:
    for parameter in stack.of_type("aws:ssm/parameter:Parameter"):
        assert parameter.inputs["value"] == PLACEHOLDER, parameter.urn
        assert parameter.inputs["value"].startswith("UNSET:")
        assert list(parameter.options.ignore_changes) == ["value"], parameter.urn


@pytest.mark.evidence("8.6.2")
def test_secret_config_values_stay_secret_and_out_of_lambda_environments(
    preview_stack: Callable[..., Preview],
) -> None:
    secret = "whsec_test_value_0123456789"
    # Config.get_secret wraps the value as a secret whatever the stack file says.
    stack = preview_stack(stripeSigningSecret=secret)
    (stripe,) = [
        p
        for p in stack.of_type("aws:ssm/parameter:Parameter")
        if p.name == "stripe-signing-secret-qa"
    ]
    assert stripe.inputs["value"] == secret
    assert "value" in stripe.secret_inputs
    assert not stripe.options.ignore_changes
    for function in functions(stack):
        assert secret not in json.dumps(function.inputs), function.urn


# --- IAM ----------------------------------------------------------------------------------


@pytest.mark.evidence("7.2.1", "7.2.2")
def test_role_policies_are_the_pure_documents_over_this_stacks_arns(stack: Preview) -> None:
    roles = {r.outputs["id"]: r for r in stack.of_type("aws:iam/role:Role")}
    policies = {p.inputs["name"]: p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy")}
    groups = {
        g.inputs["name"]: g.outputs["arn"]
        for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")
    }
    common = {
        iam.KEY: [key_arn(stack)],
        iam.DLQ: [queue(stack, "webhook-dlq-qa").outputs["arn"]],
    }
    expected = {
        iam.RECEIVER: {
            **common,
            iam.PARAMETERS: [
                p.outputs["arn"] for p in stack.of_type("aws:ssm/parameter:Parameter")
            ],
            iam.INGEST_QUEUE: [queue(stack, "webhook-events-qa").outputs["arn"]],
        },
        iam.PROCESSOR: {
            **common,
            iam.INGEST_QUEUE: [queue(stack, "webhook-events-qa").outputs["arn"]],
            iam.TABLE: [one(stack, "aws:dynamodb/table:Table").outputs["arn"]],
            iam.TOPIC: [one(stack, "aws:sns/topic:Topic", "payment-events-qa").outputs["arn"]],
        },
    }
    for kind, resources in expected.items():
        policy = policies[f"{kind}-policy-qa"]
        assert roles[policy.inputs["role"]].inputs["name"] == f"{kind}-role-qa"
        resources[iam.LOG_GROUP] = [groups[f"/aws/lambda/{kind}-qa"] + ":*"]
        assert json.loads(policy.inputs["policy"]) == iam.function_policy(kind, resources)
    for role in roles.values():
        assert json.loads(role.inputs["assumeRolePolicy"]) == iam.lambda_assume_role_policy()
        assert not role.inputs.get("managedPolicyArns")


def test_functions_run_as_their_own_roles_after_their_policies_exist(stack: Preview) -> None:
    roles = {r.inputs["name"]: r for r in stack.of_type("aws:iam/role:Role")}
    policies = {p.inputs["name"]: p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy")}
    for function in functions(stack):
        kind = function.inputs["name"].removesuffix("-qa")
        assert function.inputs["role"] == roles[f"{kind}-role-qa"].outputs["arn"]
        assert policies[f"{kind}-policy-qa"].urn in function.options.depends_on


# --- outputs and modes --------------------------------------------------------------------


def test_first_preview_of_a_new_stack_registers_the_same_resources(
    stack: Preview, preview_stack: Callable[..., Preview]
) -> None:
    unknown = preview_stack(unknowns=True)
    assert [r.urn for r in unknown.resources] == [r.urn for r in stack.resources]
    # Computed values are unknown there, and land as null in the capture.
    assert one(unknown, "aws:sns/topic:Topic", "payment-events-qa").inputs["kmsMasterKeyId"] is None


def test_bad_config_stops_the_program_before_any_resource(
    run_stack: Callable[..., Preview],
) -> None:
    rule = r"payment-webhooks:kmsDeletionWindowDays: .*less than or equal to 30"
    with pytest.raises(ProgramError, match=rule):
        run_stack(kmsDeletionWindowDays="45")


def test_a_missing_bundle_stops_the_program_with_the_fix(
    run_stack: Callable[..., Preview], tmp_path: Path
) -> None:
    with pytest.raises(ProgramError, match=r"run `make package` first"):
        run_stack(lambdaBundle=str(tmp_path / "missing.zip"))
