"""Evidence from a deployed stack: read-only AWS calls, recorded and checked by the same pack.

Given `pulumi stack output --json`, each call's response is kept verbatim and time-stamped (what
an auditor samples), then translated into the captured-resource model (pulumi-aws input names)
so the policy pack judges the deployed configuration exactly as it judges a preview. What the
calls do not show (tags, the key's deletion window) stays unknown, and the pack reports it as
not checkable rather than as passing.

Calls (all read-only): DynamoDB DescribeTable, DescribeContinuousBackups; KMS
GetKeyRotationStatus, GetKeyPolicy (3.6.1 evidence); SNS GetTopicAttributes (events and alerts
topics); SQS GetQueueAttributes; Lambda GetFunctionConfiguration, GetFunctionConcurrency,
ListEventSourceMappings (the processor's SQS mapping and its maximum concurrency); CloudWatch
Logs DescribeLogGroups; CloudWatch DescribeAlarms (the stack's alarms, by name: 10.7.2 evidence);
IAM ListRolePolicies (to name the inline policies), GetRolePolicy; SSM
DescribeParameters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from stack.naming import NAME_LIMITS

CLIENTS = ("dynamodb", "kms", "sns", "sqs", "lambda", "logs", "cloudwatch", "iam", "ssm")
PROJECT = "payment-webhooks"
REQUIRED_OUTPUTS = (
    "tableName",
    "keyArn",
    "topicArn",
    "alertsTopicArn",
    "ingestQueueUrl",
    "deadLetterQueueUrl",
    "receiverFunctionName",
    "processorFunctionName",
    "parameterNames",
)


# Every alarm is named `<type>-<suffix>` like the alerts topic `payment-alerts-<suffix>`, so the
# alerts topic's name gives the alarm names to ask for (a missing alarm is then visible).
ALARM_TYPES = tuple(t for t in NAME_LIMITS if t.endswith("-alarm"))
ALERTS_TOPIC_TYPE = "payment-alerts"


class StackOutputsError(ValueError):
    """The stack outputs file lacks what the evidence needs."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class Recorder:
    """Makes each call once and keeps it: service, operation, request, response, UTC time."""

    clients: Mapping[str, Any]
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def call(self, service: str, operation: str, **request: Any) -> dict[str, Any]:
        method = getattr(self.clients[service], _snake(operation))
        response = _jsonable(method(**request))
        self.calls.append(
            {
                "time": self.now().isoformat(timespec="milliseconds"),
                "service": service,
                "operation": operation,
                "request": request,
                "response": response,
            }
        )
        return dict(response)


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _urn(stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


# Inputs the read-only calls cannot see: unknown (None), which the pack reports as not checkable.
_UNSEEN = frozenset({"tags", "deletionWindowInDays"})


def _known(value: Any) -> Any:
    """Drop what the response did not contain: absent in AWS means not configured."""
    if isinstance(value, dict):
        kept = {k: _known(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    return value


def _resource(stack: str, type_: str, name: str, inputs: dict[str, Any], arn: str | None) -> dict:
    inputs = {**_known(inputs), **{k: None for k in _UNSEEN if k in inputs}}
    return {
        "urn": _urn(stack, type_, name),
        "type": type_,
        "name": name,
        "parent": None,
        "provider": _urn(stack, "pulumi:providers:aws", "live"),
        "custom": True,
        "inputs": inputs,
        "secretInputs": [],
        "propertyDependencies": {},
        "outputs": {"arn": arn} if arn else {},
        "options": {
            "protect": False,
            "retainOnDelete": False,
            "deleteBeforeReplace": False,
            "ignoreChanges": [],
            "dependsOn": [],
        },
    }


def _table(rec: Recorder, stack: str, name: str) -> dict:
    table = rec.call("dynamodb", "DescribeTable", TableName=name)["Table"]
    backups = rec.call("dynamodb", "DescribeContinuousBackups", TableName=name)
    pitr = backups["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription") or {}
    sse = table.get("SSEDescription") or {}
    keys = {k["KeyType"]: k["AttributeName"] for k in table.get("KeySchema", [])}
    inputs = {
        "name": name,
        "hashKey": keys.get("HASH"),
        "rangeKey": keys.get("RANGE"),
        "attributes": [
            {"name": a["AttributeName"], "type": a["AttributeType"]}
            for a in table.get("AttributeDefinitions", [])
        ],
        "billingMode": (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
        "pointInTimeRecovery": {"enabled": pitr.get("PointInTimeRecoveryStatus") == "ENABLED"},
        "serverSideEncryption": {
            "enabled": sse.get("Status") == "ENABLED",
            "kmsKeyArn": sse.get("KMSMasterKeyArn"),
        },
        "deletionProtectionEnabled": bool(table.get("DeletionProtectionEnabled")),
        "tags": None,  # not returned by DescribeTable
    }
    return _resource(stack, "aws:dynamodb/table:Table", name, inputs, table.get("TableArn"))


def _key(rec: Recorder, stack: str, arn: str, alias: str | None) -> dict:
    """Named after its alias (alias/payment-webhooks-<suffix>) when the outputs give it."""
    rotation = rec.call("kms", "GetKeyRotationStatus", KeyId=arn)
    policy = rec.call("kms", "GetKeyPolicy", KeyId=arn, PolicyName="default")
    inputs = {
        "enableKeyRotation": bool(rotation.get("KeyRotationEnabled")),
        "policy": policy.get("Policy"),
        "deletionWindowInDays": None,  # only known while a deletion is scheduled
        "tags": None,
    }
    name = alias.removeprefix("alias/") if alias else arn.rsplit("/", 1)[-1]
    return _resource(stack, "aws:kms/key:Key", name, inputs, arn)


def _topic(rec: Recorder, stack: str, arn: str) -> dict:
    """The access policy is a topic attribute: kept as the topic's own `policy` input."""
    attrs = rec.call("sns", "GetTopicAttributes", TopicArn=arn)["Attributes"]
    name = arn.rsplit(":", 1)[-1]
    inputs = {
        "name": name,
        "kmsMasterKeyId": attrs.get("KmsMasterKeyId"),
        "policy": attrs.get("Policy"),
        "tags": None,
    }
    return _resource(stack, "aws:sns/topic:Topic", name, inputs, arn)


def _number(value: str | None) -> float | None:
    return float(value) if value is not None else None


def _queue(rec: Recorder, stack: str, url: str) -> dict:
    """The access policy is a queue attribute: kept as the queue's own `policy` input."""
    attrs = rec.call("sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=["All"])[
        "Attributes"
    ]
    name = url.rstrip("/").rsplit("/", 1)[-1]
    inputs = {
        "name": name,
        "kmsMasterKeyId": attrs.get("KmsMasterKeyId"),
        "visibilityTimeoutSeconds": _number(attrs.get("VisibilityTimeout")),
        "messageRetentionSeconds": _number(attrs.get("MessageRetentionPeriod")),
        "redrivePolicy": attrs.get("RedrivePolicy"),
        "policy": attrs.get("Policy"),
        "tags": None,
    }
    return _resource(stack, "aws:sqs/queue:Queue", name, inputs, attrs.get("QueueArn"))


def _function(rec: Recorder, stack: str, name: str) -> list[dict]:
    conf = rec.call("lambda", "GetFunctionConfiguration", FunctionName=name)
    concurrency = rec.call("lambda", "GetFunctionConcurrency", FunctionName=name)
    logging = conf.get("LoggingConfig") or {}
    inputs = {
        "name": name,
        "role": conf.get("Role"),
        "runtime": conf.get("Runtime"),
        "handler": conf.get("Handler"),
        "architectures": conf.get("Architectures"),
        "memorySize": _number(conf.get("MemorySize")),
        "timeout": _number(conf.get("Timeout")),
        "tracingConfig": {"mode": (conf.get("TracingConfig") or {}).get("Mode")},
        "kmsKeyArn": conf.get("KMSKeyArn"),
        "deadLetterConfig": {"targetArn": (conf.get("DeadLetterConfig") or {}).get("TargetArn")},
        "loggingConfig": {
            "logFormat": logging.get("LogFormat"),
            "logGroup": logging.get("LogGroup"),
        },
        "environment": {"variables": (conf.get("Environment") or {}).get("Variables", {})},
        "reservedConcurrentExecutions": _number(concurrency.get("ReservedConcurrentExecutions")),
        "tags": None,  # not returned by GetFunctionConfiguration
    }
    out = [_resource(stack, "aws:lambda/function:Function", name, inputs, conf.get("FunctionArn"))]
    group = logging.get("LogGroup") or f"/aws/lambda/{name}"
    found = rec.call("logs", "DescribeLogGroups", logGroupNamePrefix=group)["logGroups"]
    for lg in (g for g in found if g["logGroupName"] == group):
        inputs = {
            "name": group,
            "retentionInDays": _number(lg.get("retentionInDays")),
            "kmsKeyId": lg.get("kmsKeyId"),
            "tags": None,
        }
        arn = lg.get("logGroupArn")
        out.append(_resource(stack, "aws:cloudwatch/logGroup:LogGroup", group, inputs, arn))
    role = str(conf.get("Role", "")).rsplit("/", 1)[-1]
    for policy_name in rec.call("iam", "ListRolePolicies", RoleName=role)["PolicyNames"]:
        doc = rec.call("iam", "GetRolePolicy", RoleName=role, PolicyName=policy_name)
        document = doc["PolicyDocument"]
        inputs = {
            "name": policy_name,
            "role": role,
            "policy": document if isinstance(document, str) else json.dumps(document),
        }
        out.append(_resource(stack, "aws:iam/rolePolicy:RolePolicy", policy_name, inputs, None))
    return out


def _mappings(rec: Recorder, stack: str, function_name: str) -> list[dict]:
    """The function's event source mappings (scaling_config: its maximum concurrency)."""
    found = rec.call("lambda", "ListEventSourceMappings", FunctionName=function_name)
    return [
        _resource(
            stack,
            "aws:lambda/eventSourceMapping:EventSourceMapping",
            f"{function_name}-mapping-{m['UUID']}",
            {
                "eventSourceArn": m.get("EventSourceArn"),
                "functionName": m.get("FunctionArn"),
                "batchSize": _number(m.get("BatchSize")),
                "functionResponseTypes": m.get("FunctionResponseTypes"),
                "scalingConfig": {
                    "maximumConcurrency": _number(
                        (m.get("ScalingConfig") or {}).get("MaximumConcurrency")
                    )
                },
                "tags": None,  # not returned by ListEventSourceMappings
            },
            m.get("EventSourceMappingArn"),
        )
        for m in found.get("EventSourceMappings", [])
    ]


def alarm_names(alerts_topic_arn: str) -> list[str]:
    """The stack's alarm names, from the suffix of its alerts topic `payment-alerts-<suffix>`."""
    topic = alerts_topic_arn.rsplit(":", 1)[-1]
    suffix = topic.removeprefix(f"{ALERTS_TOPIC_TYPE}-")
    if suffix == topic or not suffix:
        msg = f"alertsTopicArn {alerts_topic_arn!r} is not a {ALERTS_TOPIC_TYPE}-<suffix> topic"
        raise StackOutputsError(msg)
    return [f"{t}-{suffix}" for t in ALARM_TYPES]


def _alarms(rec: Recorder, stack: str, names: list[str]) -> list[dict]:
    found = rec.call("cloudwatch", "DescribeAlarms", AlarmNames=names)["MetricAlarms"]
    return [
        _resource(
            stack,
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            a["AlarmName"],
            {
                "name": a["AlarmName"],
                "alarmDescription": a.get("AlarmDescription"),
                "namespace": a.get("Namespace"),
                "metricName": a.get("MetricName"),
                "statistic": a.get("Statistic"),
                "dimensions": {d["Name"]: d["Value"] for d in a.get("Dimensions", [])},
                "period": _number(a.get("Period")),
                "evaluationPeriods": _number(a.get("EvaluationPeriods")),
                "threshold": _number(a.get("Threshold")),
                "comparisonOperator": a.get("ComparisonOperator"),
                "treatMissingData": a.get("TreatMissingData"),
                "actionsEnabled": a.get("ActionsEnabled"),
                "alarmActions": a.get("AlarmActions", []),
                "okActions": a.get("OKActions", []),
                "tags": None,  # not returned by DescribeAlarms
            },
            a.get("AlarmArn"),
        )
        for a in found
    ]


def alerting_gaps(capture: Mapping[str, Any], alerts_topic_arn: str) -> list[str]:
    """10.7.2: each expected alarm exists, is enabled and notifies the alerts topic."""
    alarms = {
        r["name"]: r["inputs"]
        for r in capture["resources"]
        if r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
    }
    gaps = []
    for name in alarm_names(alerts_topic_arn):
        alarm = alarms.get(name)
        if alarm is None:
            gaps.append(f"alarm {name} does not exist")
        elif alarm.get("actionsEnabled") is False:
            gaps.append(f"alarm {name} has its actions disabled")
        elif alerts_topic_arn not in alarm.get("alarmActions", []):
            gaps.append(f"alarm {name} does not notify {alerts_topic_arn}")
    return gaps


def _parameters(rec: Recorder, stack: str, names: list[str]) -> list[dict]:
    found = rec.call(
        "ssm",
        "DescribeParameters",
        ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": names}],
    )["Parameters"]
    return [
        _resource(
            stack,
            "aws:ssm/parameter:Parameter",
            p["Name"],
            {"name": p["Name"], "type": p.get("Type"), "keyId": p.get("KeyId"), "tags": None},
            p.get("ARN"),
        )
        for p in found
    ]


def read_outputs(outputs: Mapping[str, Any]) -> Mapping[str, Any]:
    """Check the `pulumi stack output --json` document has every output the calls need."""
    missing = [k for k in REQUIRED_OUTPUTS if not outputs.get(k)]
    if missing:
        msg = f"stack outputs lack {', '.join(missing)} (expected `pulumi stack output --json`)"
        raise StackOutputsError(msg)
    return outputs


def collect(outputs: Mapping[str, Any], rec: Recorder, stack: str, region: str) -> dict[str, Any]:
    """Make every call and return the capture of the deployed resources (plus a provider)."""
    outputs = read_outputs(outputs)
    alarms = alarm_names(outputs["alertsTopicArn"])
    provider = _resource(stack, "pulumi:providers:aws", "live", {"region": region}, None)
    provider["provider"] = None
    resources = [provider, _table(rec, stack, outputs["tableName"])]
    resources.append(_key(rec, stack, outputs["keyArn"], outputs.get("keyAlias")))
    resources += [_topic(rec, stack, outputs[k]) for k in ("topicArn", "alertsTopicArn")]
    resources += _alarms(rec, stack, alarms)
    resources += [
        _queue(rec, stack, url)
        for url in (outputs["ingestQueueUrl"], outputs["deadLetterQueueUrl"])
    ]
    for name in (outputs["receiverFunctionName"], outputs["processorFunctionName"]):
        resources += _function(rec, stack, name)
    resources += _mappings(rec, stack, outputs["processorFunctionName"])
    resources += _parameters(rec, stack, sorted(dict(outputs["parameterNames"]).values()))
    resources.sort(key=lambda r: r["urn"])
    return {"program": "live", "stack": stack, "resources": resources}
