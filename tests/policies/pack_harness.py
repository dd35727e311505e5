"""Compliant baseline resources shaped as the engine hands them to policies, and runners.

Props are wire inputs: camelCase at every level, numbers as floats, JSON policy documents as
strings, unknowns as pulumi-policy's sentinel; they are wrapped exactly as the analyzer wraps
them (deserialize_properties + unknown_checking_proxy). Each test copies a baseline, flips one
thing and runs one policy.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from pci_pack import all_policies

UNKNOWN = UNKNOWN_STRING_VALUE
ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/872efef2-fe27-4d31-9b8c-98fac9896b9e"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:webhook-events-dev"
DLQ_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:webhook-dlq-dev"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:payment-events-dev"
QUEUE_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/webhook-events-dev"
DLQ_URL = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/webhook-dlq-dev"
TAGS = {"Environment": "development", "CostCenter": "payments-platform", "Owner": "team@x.io"}


def _tls_deny(service: str, arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sqs:*" if service == "sqs" else ["sns:Publish", "sns:Subscribe"],
                    "Resource": arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


PROCESSOR_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
            "Resource": QUEUE_ARN,
        },
        {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:x"},
        {
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        },
    ],
}

# What both baseline functions (processor and receiver) set to comply with the pack.
FUNCTION_SETTINGS: dict[str, Any] = {
    "runtime": "python3.12",
    "architectures": ["arm64"],
    "memorySize": 1024.0,
    "timeout": 60.0,
    "tracingConfig": {"mode": "Active"},
    "reservedConcurrentExecutions": 100.0,
    "kmsKeyArn": KEY_ARN,
    "deadLetterConfig": {"targetArn": DLQ_ARN},
}

# kind -> (type token, logical name, wire inputs)
BASELINES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "provider": (
        "pulumi:providers:aws",
        "aws-provider-dev",
        {"region": "us-east-1", "defaultTags": json.dumps({"tags": TAGS})},
    ),
    "key": (
        "aws:kms/key:Key",
        "payment-webhooks-key-dev",
        {"enableKeyRotation": True, "deletionWindowInDays": 7.0, "tags": TAGS},
    ),
    "table": (
        "aws:dynamodb/table:Table",
        "payment-transactions-dev",
        {
            "name": "payment-transactions-dev",
            "billingMode": "PAY_PER_REQUEST",
            "hashKey": "transaction_id",
            "pointInTimeRecovery": {"enabled": True},
            "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY_ARN},
            "deletionProtectionEnabled": False,
            "tags": TAGS,
        },
    ),
    "topic": (
        "aws:sns/topic:Topic",
        "payment-events-dev",
        {"name": "payment-events-dev", "kmsMasterKeyId": KEY_ARN, "tags": TAGS, "arn": TOPIC_ARN},
    ),
    "topic_policy": (
        "aws:sns/topicPolicy:TopicPolicy",
        "payment-events-policy-dev",
        {"arn": TOPIC_ARN, "policy": _tls_deny("sns", TOPIC_ARN)},
    ),
    "queue": (
        "aws:sqs/queue:Queue",
        "webhook-events-dev",
        {
            "name": "webhook-events-dev",
            "kmsMasterKeyId": KEY_ARN,
            "redrivePolicy": json.dumps({"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": 6}),
            "visibilityTimeoutSeconds": 360.0,
            "tags": TAGS,
            "arn": QUEUE_ARN,
            "url": QUEUE_URL,
        },
    ),
    "queue_policy": (
        "aws:sqs/queuePolicy:QueuePolicy",
        "webhook-events-policy-dev",
        {"queueUrl": QUEUE_URL, "policy": _tls_deny("sqs", QUEUE_ARN)},
    ),
    "dlq": (
        "aws:sqs/queue:Queue",
        "webhook-dlq-dev",
        {
            "name": "webhook-dlq-dev",
            "kmsMasterKeyId": KEY_ARN,
            "messageRetentionSeconds": 1209600.0,
            "tags": TAGS,
            "arn": DLQ_ARN,
            "url": DLQ_URL,
        },
    ),
    "dlq_policy": (
        "aws:sqs/queuePolicy:QueuePolicy",
        "webhook-dlq-policy-dev",
        {"queueUrl": DLQ_URL, "policy": _tls_deny("sqs", DLQ_ARN)},
    ),
    "parameter": (
        "aws:ssm/parameter:Parameter",
        "stripe-signing-secret-dev",
        {
            "name": "/payment-webhooks/dev/stripe/signing-secret",
            "type": "SecureString",
            "keyId": KEY_ARN,
            "value": "UNSET: set with aws ssm put-parameter",
            "tags": TAGS,
        },
    ),
    "role": (
        "aws:iam/role:Role",
        "webhook-processor-role-dev",
        {
            "name": "webhook-processor-role-dev",
            "assumeRolePolicy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            "tags": TAGS,
        },
    ),
    "role_policy": (
        "aws:iam/rolePolicy:RolePolicy",
        "webhook-processor-policy-dev",
        {"name": "webhook-processor-policy-dev", "policy": json.dumps(PROCESSOR_POLICY)},
    ),
    "log_group": (
        "aws:cloudwatch/logGroup:LogGroup",
        "webhook-processor-logs-dev",
        {
            "name": "/aws/lambda/webhook-processor-dev",
            "kmsKeyId": KEY_ARN,
            "retentionInDays": 30.0,
            "tags": TAGS,
        },
    ),
    "receiver_log_group": (
        "aws:cloudwatch/logGroup:LogGroup",
        "webhook-receiver-logs-dev",
        {
            "name": "/aws/lambda/webhook-receiver-dev",
            "kmsKeyId": KEY_ARN,
            "retentionInDays": 30.0,
            "tags": TAGS,
        },
    ),
    "function": (
        "aws:lambda/function:Function",
        "webhook-processor-dev",
        {
            "name": "webhook-processor-dev",
            **FUNCTION_SETTINGS,
            "loggingConfig": {"logFormat": "JSON", "logGroup": "/aws/lambda/webhook-processor-dev"},
            "environment": {
                "variables": {
                    "TABLE_NAME": "payment-transactions-dev",
                    "TOPIC_ARN": TOPIC_ARN,
                    "POWERTOOLS_LOG_LEVEL": "INFO",
                }
            },
            "tags": {**TAGS, "Component": "webhook-processor"},
            "arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:webhook-processor-dev",
        },
    ),
    "receiver": (
        "aws:lambda/function:Function",
        "webhook-receiver-dev",
        {
            "name": "webhook-receiver-dev",
            **FUNCTION_SETTINGS,
            "loggingConfig": {"logFormat": "JSON", "logGroup": "/aws/lambda/webhook-receiver-dev"},
            "environment": {
                "variables": {
                    "STRIPE_SIGNING_SECRET_PARAM": "/payment-webhooks/dev/stripe/signing-secret",
                    "SQUARE_SIGNATURE_KEY_PARAM": "/payment-webhooks/dev/square/signature-key",
                    "INGEST_QUEUE_URL": UNKNOWN,
                }
            },
            "tags": {**TAGS, "Component": "webhook-receiver"},
            "arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:webhook-receiver-dev",
        },
    ),
    "function_url": (
        "aws:lambda/functionUrl:FunctionUrl",
        "webhook-receiver-url-dev",
        {"functionName": "webhook-receiver-dev", "authorizationType": "NONE"},
    ),
    "mapping": (
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "webhook-events-mapping-dev",
        {
            "eventSourceArn": QUEUE_ARN,
            "functionName": "webhook-processor-dev",
            "batchSize": 10.0,
            "scalingConfig": {"maximumConcurrency": 90.0},
            "tags": TAGS,
        },
    ),
}

# kind -> {property: [kinds it depends on]}: the engine's property dependencies.
DEPENDENCIES: dict[str, dict[str, list[str]]] = {
    "queue": {"redrivePolicy": ["dlq"], "kmsMasterKeyId": ["key"]},
    "queue_policy": {"queueUrl": ["queue"], "policy": ["queue"]},
    "dlq_policy": {"queueUrl": ["dlq"], "policy": ["dlq"]},
    "topic_policy": {"arn": ["topic"], "policy": ["topic"]},
    "function": {"loggingConfig": ["log_group"], "deadLetterConfig": ["dlq"]},
    "receiver": {"loggingConfig": ["receiver_log_group"], "deadLetterConfig": ["dlq"]},
    "function_url": {"functionName": ["receiver"]},
    "mapping": {"eventSourceArn": ["queue"], "functionName": ["function"]},
}


def urn(kind: str) -> str:
    resource_type, name, _ = BASELINES[kind]
    return f"urn:pulumi:dev::payment-webhooks::{resource_type}::{name}"


@dataclass
class Res:
    """A resource as the engine describes it to a policy."""

    kind: str
    type: str
    name: str
    props: dict[str, Any]
    protect: bool = False
    provider: dict[str, Any] | None = None
    extra_options: dict[str, Any] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return f"urn:pulumi:dev::payment-webhooks::{self.type}::{self.name}"


def make(kind: str, **changes: Any) -> Res:
    """A deep copy of the ``kind`` baseline with top-level props replaced by ``changes``."""
    resource_type, name, props = BASELINES[kind]
    props = copy.deepcopy(props)
    props.update(changes)
    return Res(kind, resource_type, name, {k: v for k, v in props.items() if v is not None})


def policy_named(name: str) -> Policy:
    matches = [p for p in all_policies() if p.name == name]
    assert matches, f"no policy {name!r} in the registry"
    return matches[0]


def _opts(res: Res) -> PolicyResourceOptions:
    return PolicyResourceOptions(res.protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def _proxy(props: dict[str, Any]) -> Any:
    return unknown_checking_proxy(deserialize_properties(copy.deepcopy(props)))


def check(name: str, res: Res, config: dict[str, Any] | None = None) -> list[str]:
    """Run resource policy ``name`` on ``res``; the messages it reports ([] if not applicable).

    An UnknownValueError escapes, as it does to the engine (which reports "can't run").
    """
    policy = policy_named(name)
    assert isinstance(policy, ResourceValidationPolicy)
    provider_type, provider_name, provider_props = BASELINES["provider"]
    provider = PolicyProviderResource(
        provider_type, _proxy(res.provider or provider_props), urn("provider"), provider_name
    )
    opts = _opts(res)
    for key, value in res.extra_options.items():
        setattr(opts, key, value)
    args = ResourceValidationArgs(
        res.type, _proxy(res.props), res.urn, res.name, opts, provider, config or {}
    )
    found: list[str] = []
    try:
        policy.validate(args, lambda message, _urn=None: found.append(message))
    except _NotApplicableError:
        return []
    return found


def stack(*overrides: Res, drop: tuple[str, ...] = (), deps: bool = True) -> list[PolicyResource]:
    """The baseline stack as PolicyResources, with ``overrides`` replacing same-kind baselines."""
    replaced = {r.kind: r for r in overrides}
    resources = {kind: replaced.get(kind) or make(kind) for kind in BASELINES if kind not in drop}
    built = {
        kind: PolicyResource(r.type, _proxy(r.props), r.urn, r.name, _opts(r), None, None, [], {})
        for kind, r in resources.items()
    }
    if deps:
        for kind, properties in DEPENDENCIES.items():
            if kind in built:
                built[kind].property_dependencies = {
                    prop: [built[k] for k in kinds if k in built]
                    for prop, kinds in properties.items()
                }
    return list(built.values())


def check_stack(
    name: str, resources: list[PolicyResource], config: dict[str, Any] | None = None
) -> list[tuple[str, str | None]]:
    """Run stack policy ``name``; (message, urn) for each violation."""
    policy = policy_named(name)
    assert isinstance(policy, StackValidationPolicy)
    found: list[tuple[str, str | None]] = []
    policy.validate(
        StackValidationArgs(resources, config or {}),
        lambda message, urn=None: found.append((message, urn)),
    )
    return found
