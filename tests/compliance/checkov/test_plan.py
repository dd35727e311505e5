"""Capture -> Terraform plan JSON conversion and the skip stubs (pure, no checkov run)."""

from __future__ import annotations

import json

import pytest

from compliance.checkov.plan import (
    ConversionError,
    load_skip_rules,
    not_scanned,
    plan_resources,
    render_stub,
    skip_stubs,
    snake,
    terraform_name,
    terraform_type,
    to_terraform_plan,
)
from tests.compliance.report_data import capture, resource


def _planned(plan: dict) -> dict[str, dict]:
    return {r["address"]: r for r in plan["planned_values"]["root_module"]["resources"]}


def _expressions(plan: dict, address: str) -> dict:
    return next(
        r["expressions"]
        for r in plan["configuration"]["root_module"]["resources"]
        if r["address"] == address
    )


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("aws:lambda/function:Function", "aws_lambda_function"),
        ("aws:lambda/functionUrl:FunctionUrl", "aws_lambda_function_url"),
        ("aws:cloudwatch/logGroup:LogGroup", "aws_cloudwatch_log_group"),
        ("aws:iam/rolePolicy:RolePolicy", "aws_iam_role_policy"),
        (
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
            "aws_lambda_function_event_invoke_config",
        ),
    ],
)
def test_terraform_type_names(token, expected):
    assert terraform_type(token) == expected


def test_a_non_aws_type_is_refused():
    with pytest.raises(ConversionError, match="random:index"):
        terraform_type("random:index/randomPet:RandomPet")


def test_names_become_hcl_identifiers():
    assert terraform_name("/aws/lambda/webhook-receiver-dev") == "aws_lambda_webhook-receiver-dev"
    assert terraform_name("alias/payment-webhooks-dev") == "alias_payment-webhooks-dev"
    assert terraform_name("1abc")[0].isalpha()
    assert snake("serverSideEncryption") == "server_side_encryption"


def test_every_custom_resource_and_nothing_else_is_converted():
    doc = capture()
    custom = [r for r in doc["resources"] if r["custom"] and not r["type"].startswith("pulumi:")]
    plan = to_terraform_plan(doc["resources"])
    planned = plan["planned_values"]["root_module"]["resources"]
    assert len(planned) == len(custom) == 27
    assert len({r["address"] for r in planned}) == 27
    assert plan["terraform_version"]
    assert all(r["mode"] == "managed" for r in planned)
    assert not any(r["type"].startswith("pulumi") for r in planned)


def test_other_providers_resources_are_left_out_with_a_note():
    doc = capture()
    stack_urn = "urn:pulumi:dev::payment-webhooks::pulumi:pulumi:Stack::payment-webhooks-dev"
    others = [
        {"urn": f"urn:pulumi:dev::payment-webhooks::{t}::x{n}", "type": t, "name": f"x{n}",
         "custom": True, "inputs": {}, "outputs": {}, "parent": stack_urn}
        for n, t in enumerate(
            ["random:index/randomPassword:RandomPassword", "tls:index/privateKey:PrivateKey",
             "command:local:Command", "pulumi:providers:random"]
        )
    ]  # fmt: skip
    plan = to_terraform_plan(doc["resources"] + others)
    assert len(plan["planned_values"]["root_module"]["resources"]) == 27
    notes = not_scanned(doc["resources"] + others)
    assert [n.split(":", 1)[0] for n in notes] == ["urn"] * 3
    assert [o["urn"] for o in others[:3]] == [n.rsplit(": ", 2)[0] for n in notes]
    assert not_scanned(doc["resources"]) == []


def test_values_are_snake_case_with_terraform_renames_and_blocks():
    planned = _planned(to_terraform_plan(capture()["resources"]))
    fn = planned["aws_lambda_function.webhook-processor-dev"]["values"]
    assert fn["function_name"] == "webhook-processor-dev"
    assert fn["memory_size"] == 1024
    assert isinstance(fn["memory_size"], int)
    assert fn["tracing_config"] == [{"mode": "Active"}]
    assert fn["environment"] == [{"variables": fn["environment"][0]["variables"]}]
    assert "TABLE_NAME" in fn["environment"][0]["variables"]  # map keys kept verbatim
    assert fn["tags"]["CostCenter"] == "payments"
    assert fn["filename"] == "build/lambda.zip"
    table = planned["aws_dynamodb_table.payment-transactions-dev"]["values"]
    assert table["attribute"] == [
        {"name": "transaction_id", "type": "S"},
        {"name": "timestamp", "type": "S"},
    ]
    assert table["server_side_encryption"][0]["kms_key_arn"].startswith("arn:aws:kms:")
    assert table["point_in_time_recovery"] == [{"enabled": True}]


def test_policies_are_json_strings_even_when_captured_as_objects():
    doc = capture()
    policy = resource(doc, "aws:iam/rolePolicy:RolePolicy", "processor")
    policy["inputs"]["policy"] = json.loads(policy["inputs"]["policy"])
    planned = _planned(to_terraform_plan(doc["resources"]))
    text = planned["aws_iam_role_policy.webhook-processor-policy-dev"]["values"]["policy"]
    assert isinstance(text, str)
    assert json.loads(text)["Statement"]


def test_configuration_references_follow_dependencies_and_arns():
    plan = to_terraform_plan(capture()["resources"])
    fn = _expressions(plan, "aws_lambda_function.webhook-receiver-dev")
    assert "aws_kms_key.payment-webhooks-key-dev" in fn["kms_key_arn"]["references"]
    assert "aws_iam_role.webhook-receiver-role-dev" in fn["role"]["references"]
    # the ingest queue names the DLQ only inside its redrive JSON: matched by ARN
    queue = _expressions(plan, "aws_sqs_queue.webhook-events-dev")
    assert "aws_sqs_queue.webhook-dlq-dev" in queue["redrive_policy"]["references"]


def test_names_that_collide_after_cleaning_stay_unique():
    doc = capture()
    twin = json.loads(json.dumps(resource(doc, "aws:sns/topic:Topic")))
    twin["urn"] += "-twin"
    twin["name"] += "!"  # cleans to the same identifier as the original
    assert terraform_name(twin["name"]) == terraform_name(
        resource(doc, "aws:sns/topic:Topic")["name"]
    )
    doc["resources"].append(twin)
    addresses = [p.address for p in plan_resources(doc["resources"])]
    assert len(addresses) == len(set(addresses)) == 28
    assert "aws_sns_topic.payment-events-dev_2" in addresses


def test_function_url_skip_applies_to_the_receiver_only():
    doc = capture()
    skips = skip_stubs(doc["resources"], load_skip_rules())
    assert any(
        s.startswith("CKV_AWS_258:")
        for s in skips["aws_lambda_function_url.webhook-receiver-url-dev"]
    )
    # a second URL on the processor gets no excuse
    url = json.loads(json.dumps(resource(doc, "aws:lambda/functionUrl:FunctionUrl")))
    processor = resource(doc, "aws:lambda/function:Function", "processor")
    url.update(urn=url["urn"] + "-p", name="webhook-processor-url-dev")
    url["propertyDependencies"] = {"functionName": [processor["urn"]]}
    doc["resources"].append(url)
    skips = skip_stubs(doc["resources"], load_skip_rules())
    assert "aws_lambda_function_url.webhook-processor-url-dev" not in skips


def test_stub_text_carries_each_reason():
    skips = {
        "aws_lambda_function.fn": ["CKV_AWS_117:no VPC needed", "CKV_AWS_272:signed elsewhere"]
    }
    text = render_stub(skips)
    assert 'resource "aws_lambda_function" "fn" {' in text
    assert "  # checkov:skip=CKV_AWS_117:no VPC needed" in text
    assert "  # checkov:skip=CKV_AWS_272:signed elsewhere" in text


def test_alarm_dimensions_stay_a_map():
    resources = capture()["resources"]
    alarm = {
        **resource(capture(), "aws:sqs/queue:Queue", "webhook-dlq"),
        "urn": "urn:pulumi:dev::payment-webhooks::aws:cloudwatch/metricAlarm:MetricAlarm::a",
        "type": "aws:cloudwatch/metricAlarm:MetricAlarm",
        "name": "webhook-dlq-alarm-dev",
        "inputs": {"name": "webhook-dlq-alarm-dev", "dimensions": {"QueueName": "webhook-dlq-dev"}},
        "propertyDependencies": {},
        "outputs": {},
    }
    planned = _planned(to_terraform_plan([*resources, alarm]))
    values = planned["aws_cloudwatch_metric_alarm.webhook-dlq-alarm-dev"]["values"]
    assert values["dimensions"] == {"QueueName": "webhook-dlq-dev"}
