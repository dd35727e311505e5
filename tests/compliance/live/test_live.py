"""Live evidence against resources created in moto: every call recorded, same pack applied.

The alerts topic and every alarm are created from stack/alerting.py's own definitions (metric,
dimensions, threshold, one 5-minute period, actions to the alerts topic), and the processor's
SQS mapping with its maximum concurrency, so 10.7.2 is judged on what AWS returns.

moto drops a function's DeadLetterConfig (moto 5.2.5 does not store it), so the dead-letter policy
and checkov's CKV_AWS_116 report on every function even when the rest is compliant; the tests
name that explicitly instead of hiding it (the explicit-log-group policy still passes: the group
exists by name).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import boto3
import pytest
from moto import mock_aws

import compliance.checkov
from compliance.__main__ import main
from compliance.live import (
    CLIENTS,
    Recorder,
    StackOutputsError,
    alarm_names,
    alerting_gaps,
    collect,
)
from compliance.manifest import verify_manifest
from stack.alerting import DLQ_ALARM, PERIOD_SECONDS, Thresholds, watches
from stack.naming import Naming
from tests.compliance.report_data import capture, resource

pytestmark = pytest.mark.xdist_group("checkov")  # one worker computes the session scan once
REGION = "us-east-1"
MOTO_BLIND = {"lambda-function-dead-letter-target"}
CALLS = {
    "dynamodb:DescribeTable",
    "dynamodb:DescribeContinuousBackups",
    "kms:GetKeyRotationStatus",
    "kms:GetKeyPolicy",
    "sns:GetTopicAttributes",
    "sqs:GetQueueAttributes",
    "lambda:GetFunctionConfiguration",
    "lambda:GetFunctionConcurrency",
    "lambda:ListEventSourceMappings",
    "logs:DescribeLogGroups",
    "cloudwatch:DescribeAlarms",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "ssm:DescribeParameters",
}


def _inputs(type_: str, part: str = "") -> dict:
    return resource(capture(), type_, part)["inputs"]


def _alerting(key_arn: str, functions: list[str], *, dlq_alarm: bool) -> str:
    """The alerts topic (CMK, TLS-only policy) and the alarms that notify it; returns its ARN."""
    sns = boto3.client("sns", region_name=REGION)
    events_policy = _inputs("aws:sns/topicPolicy:TopicPolicy")["policy"]
    arn = sns.create_topic(
        Name="payment-alerts-dev",
        Attributes={
            "KmsMasterKeyId": key_arn,
            "Policy": events_policy.replace("payment-events-dev", "payment-alerts-dev"),
        },
    )["TopicArn"]
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    naming = Naming("dev", "development", "payments-platform", "payments-team@example.com")
    watched = watches(
        naming,
        dead_letter_queue_name=naming.name("webhook-dlq"),
        ingest_queue_name=naming.name("webhook-events"),
        function_names={fn.removesuffix("-dev"): fn for fn in functions},
        thresholds=Thresholds(signature_rejections=10, ingest_age_seconds=600),
    )
    for resource_type, watch in watched.items():
        if resource_type == DLQ_ALARM and not dlq_alarm:
            continue
        cloudwatch.put_metric_alarm(
            AlarmName=naming.name(resource_type),
            AlarmDescription=watch.description,
            Namespace=watch.namespace,
            MetricName=watch.metric,
            Statistic=watch.statistic,
            Dimensions=[{"Name": k, "Value": v} for k, v in watch.dimensions.items()],
            Period=PERIOD_SECONDS,
            EvaluationPeriods=1,
            Threshold=watch.threshold,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[arn],
            OKActions=[arn],
        )
    return arn


def _deploy(
    *, rotation: bool = True, pitr: bool = True, dlq_alarm: bool = True, concurrency: int = 90
) -> dict:
    """Create the dev stack's resources in moto, as the capture describes them."""
    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key(Description="payment-webhooks CMK")["KeyMetadata"]
    if rotation:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/payment-webhooks-dev", TargetKeyId=key["KeyId"])
    arn = key["Arn"]
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(
        TableName="payment-transactions-dev",
        KeySchema=[
            {"AttributeName": "transaction_id", "KeyType": "HASH"},
            {"AttributeName": "timestamp", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "transaction_id", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": arn},
    )
    if pitr:
        ddb.update_continuous_backups(
            TableName="payment-transactions-dev",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="payment-events-dev", Attributes={"KmsMasterKeyId": arn})
    topic_arn = topic["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName="Policy",
        AttributeValue=_inputs("aws:sns/topicPolicy:TopicPolicy")["policy"],
    )
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = sqs.create_queue(
        QueueName="webhook-dlq-dev",
        Attributes={
            "KmsMasterKeyId": arn,
            "MessageRetentionPeriod": "1209600",
            "Policy": _inputs("aws:sqs/queuePolicy:QueuePolicy", "dlq")["policy"],
        },
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    ingest = sqs.create_queue(
        QueueName="webhook-events-dev",
        Attributes={
            "KmsMasterKeyId": arn,
            "VisibilityTimeout": "360",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 6}),
            "Policy": _inputs("aws:sqs/queuePolicy:QueuePolicy", "events")["policy"],
        },
    )["QueueUrl"]
    iam = boto3.client("iam", region_name=REGION)
    lam = boto3.client("lambda", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("webhook_processor/__init__.py", "")
    for fn in ("receiver", "processor"):
        role = _inputs("aws:iam/role:Role", fn)
        role_arn = iam.create_role(
            RoleName=role["name"], AssumeRolePolicyDocument=role["assumeRolePolicy"]
        )["Role"]["Arn"]
        policy = _inputs("aws:iam/rolePolicy:RolePolicy", fn)
        iam.put_role_policy(
            RoleName=role["name"], PolicyName=policy["name"], PolicyDocument=policy["policy"]
        )
        f = _inputs("aws:lambda/function:Function", fn)
        lam.create_function(
            FunctionName=f["name"],
            Runtime=f["runtime"],
            Role=role_arn,
            Handler=f["handler"],
            Code={"ZipFile": code.getvalue()},
            Architectures=f["architectures"],
            MemorySize=int(f["memorySize"]),
            Timeout=int(f["timeout"]),
            TracingConfig={"Mode": "Active"},
            KMSKeyArn=arn,
            Environment={"Variables": f["environment"]["variables"]},
        )
        lam.put_function_concurrency(FunctionName=f["name"], ReservedConcurrentExecutions=100)
        logs.create_log_group(logGroupName=f"/aws/lambda/{f['name']}", kmsKeyId=arn)
        logs.put_retention_policy(logGroupName=f"/aws/lambda/{f['name']}", retentionInDays=30)
    ssm = boto3.client("ssm", region_name=REGION)
    names = {}
    for env, suffix in [
        ("STRIPE_SIGNING_SECRET_PARAM", "stripe/signing-secret"),
        ("SQUARE_SIGNATURE_KEY_PARAM", "square/signature-key"),
        ("SQUARE_NOTIFICATION_URL_PARAM", "square/notification-url"),
        ("PAYPAL_WEBHOOK_ID_PARAM", "paypal/webhook-id"),
    ]:
        names[env] = f"/payment-webhooks/dev/{suffix}"
        ssm.put_parameter(
            Name=names[env], Value="UNSET: placeholder", Type="SecureString", KeyId=arn
        )
    functions = ["webhook-receiver-dev", "webhook-processor-dev"]
    lam.create_event_source_mapping(
        EventSourceArn=sqs.get_queue_attributes(QueueUrl=ingest, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"],
        FunctionName="webhook-processor-dev",
        BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        **({"ScalingConfig": {"MaximumConcurrency": concurrency}} if concurrency else {}),
    )
    alerts_arn = _alerting(arn, functions, dlq_alarm=dlq_alarm)
    return {
        "receiverUrl": "https://abc.lambda-url.us-east-1.on.aws/",
        "alertsTopicArn": alerts_arn,
        "receiverFunctionName": "webhook-receiver-dev",
        "processorFunctionName": "webhook-processor-dev",
        "tableName": "payment-transactions-dev",
        "topicArn": topic_arn,
        "ingestQueueUrl": ingest,
        "deadLetterQueueUrl": dlq,
        "keyArn": arn,
        "keyAlias": "alias/payment-webhooks-dev",
        "parameterNames": names,
    }


def _run(tmp_path, outputs) -> tuple[int, dict]:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    out = tmp_path / "live"
    status = main(
        ["evidence", "--stack-outputs", str(path), "--stack", "dev", "--output", str(out)]
    )
    return status, json.loads((out / "live-evidence.json").read_text())


@pytest.fixture(scope="module")
def compliant(tmp_path_factory):
    """One compliant deployment and its live evidence, judged once for the tests that read it."""
    tmp_path = tmp_path_factory.mktemp("compliant")
    with mock_aws():
        outputs = _deploy()
        status, doc = _run(tmp_path, outputs)
    return outputs, status, doc, tmp_path / "live"


def test_compliant_stack_every_call_recorded_and_only_moto_blind_spots_reported(compliant):
    _, status, doc, out = compliant
    assert set(doc["metadata"]["read_only_calls"]) == CALLS
    for call in doc["calls"]:
        assert datetime.fromisoformat(call["time"]).tzinfo is not None
        assert "ResponseMetadata" not in call["response"]
    table = next(c for c in doc["calls"] if c["operation"] == "DescribeTable")
    assert table["response"]["Table"]["SSEDescription"]["Status"] == "ENABLED"
    mandatory = {v["policy"] for v in doc["violations"] if v["level"] == "mandatory"}
    assert mandatory == MOTO_BLIND
    assert doc["checkov"]["resource_count"] == doc["checkov"]["expected_count"]
    assert len(doc["checkov"]["problems"]) == 2
    assert all("CKV_AWS_116" in p for p in doc["checkov"]["problems"])
    assert status == 1
    assert verify_manifest(out) == []
    types = {r["type"] for r in doc["capture"]["resources"]}
    assert "aws:iam/rolePolicy:RolePolicy" in types
    assert "aws:ssm/parameter:Parameter" in types
    assert doc["alerting_gaps"] == []


def test_alerts_topic_and_alarms_are_read_and_judged(compliant):
    outputs, _, doc, _ = compliant
    by_name = {r["name"]: r for r in doc["capture"]["resources"]}
    topic = by_name["payment-alerts-dev"]["inputs"]
    assert topic["kmsMasterKeyId"] == outputs["keyArn"]
    assert "aws:SecureTransport" in topic["policy"]
    dlq = by_name["webhook-dlq-alarm-dev"]
    assert dlq["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
    assert dlq["inputs"]["metricName"] == "ApproximateNumberOfMessagesVisible"
    assert dlq["inputs"]["dimensions"] == {"QueueName": "webhook-dlq-dev"}
    assert dlq["inputs"]["threshold"] == 0
    assert dlq["inputs"]["alarmActions"] == [outputs["alertsTopicArn"]]
    errors = by_name["webhook-processor-errors-alarm-dev"]["inputs"]
    assert errors["dimensions"] == {"FunctionName": "webhook-processor-dev"}
    requested = [c["request"] for c in doc["calls"] if c["operation"] == "DescribeAlarms"]
    assert requested == [{"AlarmNames": alarm_names(outputs["alertsTopicArn"])}]
    # the same pack and checkov judge them: no policy fails on the alerts topic or the alarms
    judged = {by_name[n]["urn"] for n in ("payment-alerts-dev", "webhook-dlq-alarm-dev")}
    assert not [v for v in doc["violations"] if v["urn"] in judged]
    assert not [p for p in doc["checkov"]["problems"] if "alarm" in p or "alerts" in p]


@pytest.fixture
def session_checkov(dev_scan, monkeypatch):
    """For tests about the policies and alarms: checkov answered by the session's scan."""
    monkeypatch.setattr(compliance.checkov, "run_checkov", lambda resources, out: dev_scan[0])


@mock_aws
def test_missing_alarm_is_an_alerting_gap_and_fails_the_run(tmp_path, session_checkov):
    status, doc = _run(tmp_path, _deploy(dlq_alarm=False))
    assert doc["alerting_gaps"] == ["alarm webhook-dlq-alarm-dev does not exist"]
    assert status == 1


def test_alerting_gaps_name_disabled_and_misdirected_alarms():
    arn = "arn:aws:sns:us-east-1:123456789012:payment-alerts-dev"
    alarms = [
        {"actionsEnabled": False, "alarmActions": [arn]},
        {"actionsEnabled": True, "alarmActions": ["arn:aws:sns:us-east-1:1:other"]},
        {"actionsEnabled": True, "alarmActions": [arn]},
    ]
    alarms += [{"actionsEnabled": True, "alarmActions": [arn]}] * (len(alarm_names(arn)) - 3)
    doc = {
        "resources": [
            {"type": "aws:cloudwatch/metricAlarm:MetricAlarm", "name": n, "inputs": i}
            for n, i in zip(alarm_names(arn), alarms, strict=True)
        ]
    }
    assert alerting_gaps(doc, arn) == [
        "alarm webhook-dlq-alarm-dev has its actions disabled",
        f"alarm webhook-receiver-errors-alarm-dev does not notify {arn}",
    ]


def test_alerts_topic_that_is_not_the_stacks_is_named():
    with pytest.raises(StackOutputsError, match="payment-alerts-<suffix>"):
        alarm_names("arn:aws:sns:us-east-1:123456789012:ops-alerts")


@mock_aws
def test_rotation_off_and_pitr_off_are_caught_by_the_same_policies(tmp_path, session_checkov):
    _, doc = _run(tmp_path, _deploy(rotation=False, pitr=False))
    mandatory = {v["policy"]: v for v in doc["violations"] if v["level"] == "mandatory"}
    assert set(mandatory) - MOTO_BLIND == {
        "kms-key-rotation-enabled",
        "dynamodb-table-pitr-enabled",
    }
    assert mandatory["kms-key-rotation-enabled"]["requirements"] == ["3.7.4"]
    assert mandatory["dynamodb-table-pitr-enabled"]["urn"].endswith("::payment-transactions-dev")


@mock_aws
def test_calls_are_read_only_and_recorded_with_their_request():
    outputs = _deploy()
    rec = Recorder({n: boto3.client(n, region_name=REGION) for n in CLIENTS})
    captured = collect(outputs, rec, "dev", REGION)
    writes = ("Create", "Put", "Update", "Delete", "Set", "Enable", "Disable", "Tag")
    assert not [c for c in rec.calls if c["operation"].startswith(writes)]
    assert {"TableName": "payment-transactions-dev"} in [c["request"] for c in rec.calls]
    region = next(r for r in captured["resources"] if r["type"] == "pulumi:providers:aws")
    assert region["inputs"]["region"] == REGION


def test_missing_outputs_are_named():
    with pytest.raises(StackOutputsError, match="tableName"):
        collect({"keyArn": "x"}, Recorder({}), "dev", REGION)


@mock_aws
def test_the_mappings_concurrency_is_read_and_judged(tmp_path):
    _, doc = _run(tmp_path, _deploy())
    (mapping,) = [
        r
        for r in doc["capture"]["resources"]
        if r["type"] == "aws:lambda/eventSourceMapping:EventSourceMapping"
    ]
    assert mapping["inputs"]["scalingConfig"] == {"maximumConcurrency": 90}
    assert mapping["inputs"]["eventSourceArn"].endswith(":webhook-events-dev")
    assert not [v for v in doc["violations"] if v["urn"] == mapping["urn"]]


@mock_aws
def test_an_uncapped_mapping_is_a_violation_live(tmp_path):
    status, doc = _run(tmp_path, _deploy(concurrency=0))
    (found,) = [v for v in doc["violations"] if v["policy"] == "lambda-sqs-mapping-max-concurrency"]
    assert "scales to no maximum concurrency, not below the 100 executions" in found["message"]
    assert status == 1


@mock_aws
def test_every_alarm_the_stack_declares_is_read(tmp_path):
    _, doc = _run(tmp_path, _deploy())
    read = {
        r["name"]
        for r in doc["capture"]["resources"]
        if r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
    }
    assert len(read) == 9
    assert {"webhook-signature-rejections-alarm-dev", "webhook-ingest-age-alarm-dev"} <= read
    assert doc["alerting_gaps"] == []
