"""The pack's pure helpers, on the shapes the engine produces."""

from __future__ import annotations

from datetime import date

import pytest
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from pci_pack.awslambda.no_plaintext_secrets import secret_problems
from pci_pack.awslambda.python_runtime import runtime_problem
from pci_pack.documents import denies_insecure_transport, grants
from pci_pack.general.environment_suffix import carries_suffix
from pci_pack.props import UNKNOWN, as_list, cmk_problem, get, json_document, matches, peek, show
from tests.policies.pack_harness import UNKNOWN as UNKNOWN_SENTINEL

PROPS = unknown_checking_proxy(
    deserialize_properties(
        {
            "a": {"b": [1.0, UNKNOWN_SENTINEL]},
            "u": UNKNOWN_SENTINEL,
            "n": 7.0,
            "doc": '{"x": 1}',
            "obj": {"x": [1.0]},
        }
    )
)


def test_get_walks_mappings_and_sequences() -> None:
    assert get(PROPS, "a", "b", 0) == 1.0
    assert get(PROPS, "a", "b", 5) is None
    assert get(PROPS, "missing", "deeper") is None
    assert get(PROPS, "n", "not-a-mapping") is None


def test_get_raises_on_unknown_and_peek_does_not() -> None:
    with pytest.raises(UnknownValueError):
        get(PROPS, "a", "b", 1)
    assert peek(PROPS, "u") is UNKNOWN
    assert peek(PROPS, "n") == 7.0


def test_json_document_accepts_strings_and_objects() -> None:
    assert json_document(get(PROPS, "doc")) == {"x": 1}
    assert json_document(get(PROPS, "obj")) == {"x": [1.0]}
    with pytest.raises(UnknownValueError):  # an object holding an unknown is not readable yet
        json_document(get(PROPS, "a"))
    assert json_document("[1]") is None
    with pytest.raises(ValueError, match="not a JSON document"):
        json_document("{")


def test_small_conversions() -> None:
    assert as_list("s3:GetObject") == ["s3:GetObject"]
    assert as_list(None) == []
    assert show(7.0) == "7"
    assert show(7.5) == "7.5"
    assert show("x") == "'x'"


def test_type_tokens_match_current_and_legacy_spellings() -> None:
    assert matches("aws:s3/BucketObject:BucketObject", "aws:s3/bucketObject:BucketObject")
    assert not matches("aws:s3/bucket:Bucket", "aws:s3/bucketObject:BucketObject")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("arn:aws:kms:us-east-1:1:key/k", None),
        (UNKNOWN, None),
        (None, "has no keyId"),
        ("", "has no keyId"),
        ("alias/aws/ssm", "AWS-managed key 'alias/aws/ssm'"),
        ("arn:aws:kms:us-east-1:1:alias/aws/ssm", "AWS-managed key"),
        ("alias/payment-webhooks-dev", None),
    ],
)
def test_cmk_problem(key: object, problem: str | None) -> None:
    found = cmk_problem(key, "keyId")
    assert (found is None) if problem is None else (problem in (found or ""))


@pytest.mark.parametrize(
    ("runtime", "today", "problem"),
    [
        ("python3.12", date(2026, 11, 27), None),
        ("python3.14", date(2026, 11, 27), None),
        ("python3.15", date(2026, 11, 27), None),  # newer than the schedule: not rejected
        ("python3.11", date(2026, 6, 29), None),
        ("python3.11", date(2026, 6, 30), "deprecated by AWS Lambda since 2026-06-30"),
        ("python3.8", date(2020, 1, 1), "older than python3.9"),
        ("python3.9", date(2025, 1, 1), None),
        ("python2.7", date(2020, 1, 1), "older than python3.9"),
        ("java21", date(2020, 1, 1), "not a Python runtime"),
    ],
)
def test_runtime_problem(runtime: str, today: date, problem: str | None) -> None:
    found = runtime_problem(runtime, (3, 9), today)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_secret_problems() -> None:
    found = secret_problems(
        {
            "STRIPE_SIGNING_SECRET_PARAM": "/payment-webhooks/dev/stripe/signing-secret",
            "ROLE_ARN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:x",
            "DB_PASSWORD": "hunter2",
            "WEBHOOK": "whsec_123",
            "PEM": "-----BEGIN RSA PRIVATE KEY-----",
            "TOKEN_PARAM": "literal",
            "QUEUE_URL": UNKNOWN,
            "LOG_LEVEL": "INFO",
        },
        ["_PARAM", "_ARN"],
    )
    assert [(name, problem.split(" ")[0]) for name, problem, _ in found] == [
        ("DB_PASSWORD", "has"),
        ("PEM", "holds"),
        ("TOKEN_PARAM", "should"),
        ("WEBHOOK", "holds"),
    ]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("webhook-events-dev", True),
        ("/payment-webhooks/dev/stripe/signing-secret", True),
        ("alias/payment-webhooks-key-dev", True),
        ("webhook-events-dev-a1b2c3", True),
        ("webhook-events-devx", False),
        ("developer-queue", False),
        ("webhook-events", False),
    ],
)
def test_carries_suffix(name: str, ok: bool) -> None:
    assert carries_suffix(name, "dev") is ok


def test_grants_matches_wildcards_case_insensitively() -> None:
    assert grants({"Action": ["IAM:pass*"]}, "iam:PassRole")
    assert grants({"Action": "*"}, "iam:PassRole")
    assert not grants({"Action": ["iam:GetRole"]}, "iam:PassRole")


@pytest.mark.parametrize(
    ("statement", "ok"),
    [
        ({"Principal": "*", "Action": "sqs:*", "Bool": ["false"]}, True),
        ({"Principal": {"AWS": "*"}, "Action": "*", "Bool": False}, True),
        ({"Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sqs:*", "Bool": "false"}, False),
        ({"Principal": "*", "Action": "sqs:SendMessage", "Bool": "false"}, False),
        ({"Principal": "*", "Action": "sqs:*", "Bool": "true"}, False),
        ({"Principal": "*", "NotAction": "sqs:SendMessage", "Bool": "false"}, False),
    ],
)
def test_denies_insecure_transport(statement: dict[str, object], ok: bool) -> None:
    document = {
        "Statement": {
            "Effect": "Deny",
            "Principal": statement["Principal"],
            **{k: v for k, v in statement.items() if k in ("Action", "NotAction")},
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": statement["Bool"]}},
        }
    }
    assert denies_insecure_transport(document, "sqs:*") is ok


@pytest.mark.parametrize(
    ("actions", "ok"),
    [
        (["sns:Publish", "sns:Subscribe"], True),
        ("SNS:Publish", True),
        ("sns:*", True),
        (["sns:Subscribe", "sns:GetTopicAttributes"], False),
    ],
)
def test_a_topic_deny_must_cover_publish(actions: object, ok: bool) -> None:
    document = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": actions,
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
    assert denies_insecure_transport(document, "sns:Publish") is ok
