"""Create the stack's own resources in a moto server, from the offline preview's captured inputs.

Nothing here restates a name, a key schema or a queue attribute: each comes from the inputs the
Pulumi program registered (``compliance.preview``). What differs in moto is only what AWS would
compute (the key's id, the queue URLs); the functions' environment is rewritten to those.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from compliance.preview import Preview, Resource

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
TABLE = "aws:dynamodb/table:Table"
QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
PARAMETER = "aws:ssm/parameter:Parameter"
FUNCTION = "aws:lambda/function:Function"

# Pulumi queue inputs (camelCase) -> SQS attribute names.
QUEUE_ATTRIBUTES = {
    "delaySeconds": "DelaySeconds",
    "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "maxMessageSize": "MaximumMessageSize",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "redrivePolicy": "RedrivePolicy",
    "visibilityTimeoutSeconds": "VisibilityTimeout",
}


@dataclass(frozen=True)
class Deployed:
    """What was created, and each function's environment pointing at it."""

    table_name: str
    ingest_url: str
    dlq_url: str
    topic_arn: str
    key_arn: str
    visibility_timeout: int
    max_receive_count: int
    environments: Mapping[str, Mapping[str, str]]  # function handler -> its variables
    parameters: Mapping[str, str]  # SSM parameter names created (all of the stack's)


def _of(preview: Preview, kind: str) -> list[Resource]:
    return [r for r in preview.resources if r.type == kind]


def _one(preview: Preview, kind: str, role: str = "") -> Resource:
    found = [r for r in _of(preview, kind) if role in str(r.inputs.get("name", r.name))]
    if len(found) != 1:
        msg = f"the preview has {len(found)} {kind} resources matching {role!r}, expected one"
        raise ValueError(msg)
    return found[0]


def _attribute(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _substituted(value: str, replacements: Iterable[tuple[str, str]]) -> str:
    for old, new in replacements:
        value = value.replace(old, new)
    return value


def create(preview: Preview, client: Any) -> Deployed:
    """Create every resource of ``preview`` the functions use; ``client(service)`` gives boto3
    clients of the moto server."""
    key = _one(preview, KEY)
    kms = client("kms")
    key_meta = kms.create_key(
        Description=key.inputs.get("description", key.name),
        Tags=[{"TagKey": k, "TagValue": v} for k, v in key.inputs.get("tags", {}).items()],
    )["KeyMetadata"]
    if key.inputs.get("enableKeyRotation"):
        kms.enable_key_rotation(KeyId=key_meta["KeyId"])
    for alias in _of(preview, ALIAS):
        kms.create_alias(AliasName=alias.inputs["name"], TargetKeyId=key_meta["KeyId"])
    preview_key_arn = str(key.outputs.get("arn", ""))
    swaps = [(preview_key_arn, key_meta["Arn"])] if preview_key_arn else []
    swaps.append((str(key.outputs.get("id", key_meta["KeyId"])), key_meta["KeyId"]))

    table = _one(preview, TABLE)
    inputs = table.inputs
    schema = [{"AttributeName": inputs["hashKey"], "KeyType": "HASH"}]
    if inputs.get("rangeKey"):
        schema.append({"AttributeName": inputs["rangeKey"], "KeyType": "RANGE"})
    sse = inputs.get("serverSideEncryption", {})
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName=inputs["name"],
        KeySchema=schema,
        AttributeDefinitions=[
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in inputs["attributes"]
        ],
        BillingMode=inputs.get("billingMode", "PAY_PER_REQUEST"),
        SSESpecification={
            "Enabled": bool(sse.get("enabled")),
            "SSEType": "KMS",
            "KMSMasterKeyId": _substituted(str(sse.get("kmsKeyArn", "")), swaps),
        },
        DeletionProtectionEnabled=bool(inputs.get("deletionProtectionEnabled")),
    )
    if inputs.get("pointInTimeRecovery", {}).get("enabled"):
        dynamodb.update_continuous_backups(
            TableName=inputs["name"],
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )

    sqs = client("sqs")
    urls: dict[str, str] = {}
    # Dead-letter queues first: a redrive policy names an existing queue.
    for queue in sorted(_of(preview, QUEUE), key=lambda q: "redrivePolicy" in q.inputs):
        attributes = {
            QUEUE_ATTRIBUTES[name]: _substituted(_attribute(value), swaps)
            for name, value in queue.inputs.items()
            if name in QUEUE_ATTRIBUTES and value is not None
        }
        name = queue.inputs["name"]
        urls[name] = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        swaps.append((f"https://sqs.us-east-1.amazonaws.com/123456789012/{name}", urls[name]))

    sns = client("sns")
    for topic in _of(preview, TOPIC):
        sns.create_topic(
            Name=topic.inputs["name"],
            Attributes={"KmsMasterKeyId": _substituted(topic.inputs["kmsMasterKeyId"], swaps)},
        )

    ssm = client("ssm")
    parameters = {}
    for parameter in _of(preview, PARAMETER):
        ssm.put_parameter(
            Name=parameter.inputs["name"],
            Value=parameter.inputs["value"],
            Type=parameter.inputs["type"],
            KeyId=_substituted(parameter.inputs["keyId"], swaps),
            Description=parameter.inputs.get("description", ""),
        )
        parameters[parameter.name] = parameter.inputs["name"]

    environments = {
        function.inputs["handler"]: {
            name: _substituted(str(value), swaps)
            for name, value in function.inputs.get("environment", {}).get("variables", {}).items()
        }
        for function in _of(preview, FUNCTION)
    }
    processor = environments["webhook_processor.processor.handler"]
    ingest = _one(preview, QUEUE, "events")
    redrive = json.loads(ingest.inputs["redrivePolicy"])
    return Deployed(
        table_name=inputs["name"],
        ingest_url=urls[ingest.inputs["name"]],
        dlq_url=processor["DLQ_URL"],
        topic_arn=processor["TOPIC_ARN"],
        key_arn=key_meta["Arn"],
        visibility_timeout=int(ingest.inputs.get("visibilityTimeoutSeconds", 30)),
        max_receive_count=int(redrive["maxReceiveCount"]),
        environments=environments,
        parameters=parameters,
    )
