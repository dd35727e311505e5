"""The PCI DSS rules for services beyond this stack: a passing and a failing resource for each.

Props are wire inputs as the engine hands them over (camelCase, floats, JSON strings), wrapped
by the harness as the analyzer wraps them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_policy import PolicyResource

from tests.policies.pack_harness import KEY_ARN, Res, _opts, _proxy, check, check_stack

AWS_KEY = "alias/aws/s3"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@dataclass(frozen=True)
class Pair:
    """``policy`` passes ``good`` and reports ``bad`` once with each of ``expect``."""

    id: str
    policy: str
    type: str
    good: dict[str, Any]
    bad: dict[str, Any]
    expect: tuple[str, ...]
    config: dict[str, Any] | None = None


SG_INGRESS = {"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["10.0.0.0/8"]}
PAIRS = [
    Pair(
        "secret",
        "secretsmanager-secret-cmk-encryption",
        "aws:secretsmanager/secret:Secret",
        {"kmsKeyId": KEY_ARN},
        {},
        ("has no kmsKeyId",),
    ),
    Pair(
        "rds-instance",
        "rds-storage-cmk-encryption",
        "aws:rds/instance:Instance",
        {"storageEncrypted": True, "kmsKeyId": KEY_ARN},
        {"storageEncrypted": False},
        ("does not encrypt its storage",),
    ),
    Pair(
        "aurora-aws-key",
        "rds-storage-cmk-encryption",
        "aws:rds/cluster:Cluster",
        {"storageEncrypted": True, "kmsKeyId": KEY_ARN},
        {"storageEncrypted": True, "kmsKeyId": "alias/aws/rds"},
        ("AWS-managed key 'alias/aws/rds'",),
    ),
    Pair(
        "rds-public",
        "rds-instance-not-public",
        "aws:rds/instance:Instance",
        {"publiclyAccessible": False},
        {"publiclyAccessible": True},
        ("publicly accessible", "publicly_accessible=False"),
    ),
    Pair(
        "ebs",
        "ebs-volume-cmk-encryption",
        "aws:ebs/volume:Volume",
        {"encrypted": True, "kmsKeyId": KEY_ARN, "size": 8.0},
        {"encrypted": True, "size": 8.0},
        ("has no kmsKeyId",),
    ),
    Pair(
        "efs",
        "efs-file-system-cmk-encryption",
        "aws:efs/fileSystem:FileSystem",
        {"encrypted": True, "kmsKeyId": KEY_ARN},
        {},
        ("not encrypted at rest",),
    ),
    Pair(
        "kinesis",
        "kinesis-stream-cmk-encryption",
        "aws:kinesis/stream:Stream",
        {"encryptionType": "KMS", "kmsKeyId": KEY_ARN},
        {"encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"},
        ("AWS-managed key",),
    ),
    Pair(
        "ecr",
        "ecr-repository-cmk-encryption",
        "aws:ecr/repository:Repository",
        {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]},
        {"encryptionConfigurations": [{"encryptionType": "AES256"}]},
        ("does not use KMS",),
    ),
    Pair(
        "sg-inline-ssh",
        "security-group-no-public-ingress",
        "aws:ec2/securityGroup:SecurityGroup",
        {"ingress": [SG_INGRESS]},
        {
            "ingress": [
                {**SG_INGRESS, "fromPort": 0.0, "toPort": 65535.0, "cidrBlocks": ["0.0.0.0/0"]}
            ]
        },
        ("ingress[0] opens admin ports [22, 3389", "0.0.0.0/0"),
    ),
    Pair(
        "sg-inline-https-not-allowed",
        "security-group-no-public-ingress",
        "aws:ec2/securityGroup:SecurityGroup",
        {"ingress": [SG_INGRESS]},
        {"ingress": [{**SG_INGRESS, "ipv6CidrBlocks": ["::/0"]}]},
        ("ports 443-443/tcp", "not an allowed public port", "::/0"),
    ),
    Pair(
        "sg-rule-all-protocols",
        "security-group-no-public-ingress",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        {
            "type": "egress",
            "protocol": "-1",
            "fromPort": 0.0,
            "toPort": 0.0,
            "cidrBlocks": ["0.0.0.0/0"],
        },
        {
            "type": "ingress",
            "protocol": "-1",
            "fromPort": 0.0,
            "toPort": 0.0,
            "cidrBlocks": ["0.0.0.0/0"],
        },
        ("opens admin ports",),
    ),
    Pair(
        "vpc-ingress-rule-rdp",
        "security-group-no-public-ingress",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        {"ipProtocol": "tcp", "fromPort": 3389.0, "toPort": 3389.0, "cidrIpv4": "10.1.0.0/16"},
        {"ipProtocol": "tcp", "fromPort": 3389.0, "toPort": 3389.0, "cidrIpv6": "::/0"},
        ("opens admin ports [3389]",),
    ),
    Pair(
        "listener-http",
        "lb-listener-tls12",
        "aws:lb/listener:Listener",
        {
            "protocol": "HTTP",
            "port": 80.0,
            "defaultActions": [
                {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}
            ],
        },
        {"protocol": "HTTP", "port": 80.0, "defaultActions": [{"type": "forward"}]},
        ("serves plain HTTP",),
    ),
    Pair(
        "listener-legacy-weak-policy",
        "lb-listener-tls12",
        "aws:alb/listener:Listener",
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
        {"protocol": "HTTPS"},
        ("ELBSecurityPolicy-2016-08 (default)",),
    ),
    Pair(
        "rest-stage-logs",
        "apigateway-stage-access-logging",
        "aws:apigateway/stage:Stage",
        {
            "stageName": "dev",
            "accessLogSettings": {
                "destinationArn": "arn:aws:logs:x",
                "format": "$context.requestId",
            },
        },
        {"stageName": "dev"},
        ("has no access logging",),
    ),
    Pair(
        "v2-stage-logs",
        "apigateway-stage-access-logging",
        "aws:apigatewayv2/stage:Stage",
        {
            "name": "dev",
            "accessLogSettings": {
                "destinationArn": "arn:aws:logs:x",
                "format": "$context.requestId",
            },
        },
        {"name": "dev"},
        ("has no access logging",),
    ),
    Pair(
        "rest-domain-tls",
        "apigateway-domain-tls12",
        "aws:apigateway/domainName:DomainName",
        {"domainName": "api.example.com", "securityPolicy": "TLS_1_2"},
        {"domainName": "api.example.com", "securityPolicy": "TLS_1_0"},
        ("security policy 'TLS_1_0'",),
    ),
    Pair(
        "v2-domain-tls",
        "apigateway-domain-tls12",
        "aws:apigatewayv2/domainName:DomainName",
        {"domainNameConfiguration": {"securityPolicy": "TLS_1_2"}},
        {"domainNameConfiguration": {"endpointType": "REGIONAL"}},
        ("TLS_1_0 (default)",),
    ),
    Pair(
        "permission-service-unscoped",
        "lambda-permission-scoped",
        "aws:lambda/permission:Permission",
        {
            "action": "lambda:InvokeFunction",
            "principal": "s3.amazonaws.com",
            "sourceArn": "arn:aws:s3:::uploads-dev",
        },
        {"action": "lambda:InvokeFunction", "principal": "s3.amazonaws.com"},
        ("s3.amazonaws.com invoke the function from any account", "source_arn"),
    ),
    Pair(
        "permission-star",
        "lambda-permission-scoped",
        "aws:lambda/permission:Permission",
        {"action": "lambda:InvokeFunctionUrl", "principal": "*", "functionUrlAuthType": "NONE"},
        {"action": "lambda:InvokeFunction", "principal": "*"},
        ("any principal ('*')",),
    ),
    Pair(
        "trust-star",
        "resource-policy-no-public-principal",
        "aws:iam/role:Role",
        {
            "assumeRolePolicy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            )
        },
        {
            "assumeRolePolicy": _doc(
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
            )
        },
        ("assumeRolePolicy allows 'sts:AssumeRole' to Principal '*'",),
    ),
    Pair(
        "queue-policy-star",
        "resource-policy-no-public-principal",
        "aws:sqs/queuePolicy:QueuePolicy",
        {
            "policy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:x"}},
                }
            )
        },
        {"policy": _doc({"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"})},
        ("Principal '*'",),
    ),
    Pair(
        "full-access-by-arn",
        "iam-no-admin-policies",
        "aws:iam/role:Role",
        {"managedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]},
        {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]},
        ("AmazonS3FullAccess",),
    ),
    Pair(
        "full-access-policy-attachment",
        "iam-no-admin-policies",
        "aws:iam/policyAttachment:PolicyAttachment",
        {"policyArn": "arn:aws:iam::123456789012:policy/app-dev"},
        {"policyArn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
        ("AmazonDynamoDBFullAccess",),
    ),
    Pair(
        "wildcard-arn",
        "iam-no-wildcard-resources",
        "aws:iam/rolePolicy:RolePolicy",
        {
            "policy": _doc(
                {
                    "Effect": "Allow",
                    "Action": "logs:PutLogEvents",
                    "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x-dev:*",
                }
            )
        },
        {
            "policy": _doc(
                {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:*:*:*"}
            )
        },
        ("wildcard ARNs ['arn:aws:logs:*:*:*']",),
    ),
]


def _res(pair: Pair, props: dict[str, Any]) -> Res:
    return Res("coverage", pair.type, f"{pair.id}-dev", props)


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_the_good_resource_passes(pair: Pair) -> None:
    assert check(pair.policy, _res(pair, pair.good), pair.config) == []


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_the_bad_resource_is_reported_with_its_fix(pair: Pair) -> None:
    found = check(pair.policy, _res(pair, pair.bad), pair.config)
    assert len(found) == 1, found
    assert f"'{pair.id}-dev' ({pair.type})" in found[0]
    assert "Fix: " in found[0]
    for fragment in pair.expect:
        assert fragment in found[0]


def test_an_allowed_public_port_passes_but_never_an_admin_port() -> None:
    sg = Pair("sg", "", "aws:ec2/securityGroup:SecurityGroup", {}, {}, ())
    https = {**SG_INGRESS, "cidrBlocks": ["0.0.0.0/0"]}
    ssh = {**https, "fromPort": 22.0, "toPort": 22.0}
    config = {"allowedPublicPorts": [443, 22]}
    name = "security-group-no-public-ingress"
    assert check(name, _res(sg, {"ingress": [https]}), config) == []
    assert "admin ports [22]" in check(name, _res(sg, {"ingress": [ssh]}), config)[0]


# --- stack rules: buckets and their separate settings, redrive resources --------------------

BUCKET = (
    "aws:s3/bucketV2:BucketV2",
    "uploads-dev",
    {"bucket": "uploads-dev", "arn": "arn:aws:s3:::uploads-dev"},
)
BLOCK = {
    "bucket": "uploads-dev",
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}
SSE = {
    "bucket": "uploads-dev",
    "rules": [
        {
            "applyServerSideEncryptionByDefault": {
                "sseAlgorithm": "aws:kms",
                "kmsMasterKeyId": KEY_ARN,
            }
        }
    ],
}
TLS = _doc(
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::uploads-dev", "arn:aws:s3:::uploads-dev/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
)
SETTINGS = {
    "block": ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", BLOCK),
    "sse": (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        SSE,
    ),
    "policy": ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "uploads-dev", "policy": TLS}),
}


def _stack(*items: tuple[str, str, dict[str, Any]]) -> list[PolicyResource]:
    return [
        PolicyResource(
            t,
            _proxy(p),
            f"urn:pulumi:dev::p::{t}::{n}",
            n,
            _opts(Res("x", t, n, p)),
            None,
            None,
            [],
            {},
        )
        for t, n, p in items
    ]


def _bucket_stack(**changes: dict[str, Any] | None) -> list[PolicyResource]:
    items = [BUCKET]
    for kind, (token, props) in SETTINGS.items():
        if kind in changes and changes[kind] is None:
            continue
        items.append((token, f"uploads-{kind}-dev", {**props, **(changes.get(kind) or {})}))
    return _stack(*items)


S3_RULES = ["s3-bucket-public-access-blocked", "s3-bucket-cmk-encryption", "s3-bucket-tls-only"]


@pytest.mark.parametrize("name", S3_RULES)
def test_a_bucket_with_its_separate_settings_passes(name: str) -> None:
    assert check_stack(name, _bucket_stack()) == []


@pytest.mark.parametrize(
    ("name", "changes", "expect"),
    [
        ("s3-bucket-public-access-blocked", {"block": None}, "has no public access block"),
        (
            "s3-bucket-public-access-blocked",
            {"block": {"restrictPublicBuckets": False}},
            "['restrictPublicBuckets'] off",
        ),
        ("s3-bucket-cmk-encryption", {"sse": None}, "no default encryption"),
        (
            "s3-bucket-cmk-encryption",
            {
                "sse": {
                    "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]
                }
            },
            "'AES256', not SSE-KMS",
        ),
        (
            "s3-bucket-cmk-encryption",
            {
                "sse": {
                    "rules": [
                        {
                            "applyServerSideEncryptionByDefault": {
                                "sseAlgorithm": "aws:kms",
                                "kmsMasterKeyId": AWS_KEY,
                            }
                        }
                    ]
                }
            },
            "AWS-managed key",
        ),
        ("s3-bucket-tls-only", {"policy": None}, "does not deny insecure transport"),
    ],
)
def test_a_bucket_missing_a_setting_is_reported(
    name: str, changes: dict[str, Any], expect: str
) -> None:
    found = check_stack(name, _bucket_stack(**changes))
    assert len(found) == 1, found
    assert "'uploads-dev' (aws:s3/bucketV2:BucketV2)" in found[0][0]
    assert expect in found[0][0]


def test_the_legacy_bucket_with_inline_settings_is_read() -> None:
    legacy = {
        "bucket": "uploads-dev",
        "policy": TLS,
        "serverSideEncryptionConfiguration": {
            "rule": {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": "aws:kms",
                    "kmsMasterKeyId": KEY_ARN,
                }
            }
        },
    }
    resources = _stack(("aws:s3/bucket:Bucket", "uploads-dev", legacy))
    assert check_stack("s3-bucket-cmk-encryption", resources) == []
    assert check_stack("s3-bucket-tls-only", resources) == []
    assert (
        "no public access block" in check_stack("s3-bucket-public-access-blocked", resources)[0][0]
    )


QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs-dev"
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs-dlq-dev"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dev"


def _redrive_stack(count: int) -> list[PolicyResource]:
    return _stack(
        (
            "aws:sqs/queue:Queue",
            "jobs-dev",
            {"kmsMasterKeyId": KEY_ARN, "arn": QUEUE_ARN, "url": QUEUE_URL},
        ),
        ("aws:sqs/queue:Queue", "jobs-dlq-dev", {"kmsMasterKeyId": KEY_ARN, "arn": DLQ_ARN}),
        (
            "aws:sqs/redrivePolicy:RedrivePolicy",
            "jobs-redrive-dev",
            {
                "queueUrl": QUEUE_URL,
                "redrivePolicy": json.dumps(
                    {"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": count}
                ),
            },
        ),
        (
            "aws:lambda/eventSourceMapping:EventSourceMapping",
            "jobs-mapping-dev",
            {"eventSourceArn": QUEUE_ARN, "functionName": "worker-dev"},
        ),
    )


def test_a_separate_redrive_policy_resource_counts_as_the_queues_redrive() -> None:
    assert check_stack("sqs-consumed-queue-redrive", _redrive_stack(6)) == []
    found = check_stack("sqs-consumed-queue-redrive", _redrive_stack(2))
    assert len(found) == 1
    assert "redrives after 2 receives" in found[0][0]
