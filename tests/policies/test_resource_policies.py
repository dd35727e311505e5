"""Every resource policy: the compliant baseline passes, one flipped property fails with a message
naming the resource and the fix; unknown values behave as the engine expects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi_policy import ResourceValidationPolicy
from pulumi_policy.proxy import UnknownValueError

from pci_pack import all_policies
from tests.policies.pack_harness import (
    BASELINES,
    PROCESSOR_POLICY,
    UNKNOWN,
    Res,
    check,
    make,
    policy_named,
)
from tests.policies.test_pci_coverage import PAIRS

RESOURCE_POLICIES = sorted(
    p.name for p in all_policies() if isinstance(p, ResourceValidationPolicy)
)


def _iam(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _env(**variables: str) -> dict[str, Any]:
    return {"variables": variables}


@dataclass(frozen=True)
class Case:
    """One failing variant: ``policy`` on the ``kind`` baseline with ``changes`` applied."""

    id: str
    policy: str
    kind: str
    changes: dict[str, Any]
    expect: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    def resource(self) -> Res:
        res = make(self.kind, **self.changes)
        res.protect = bool(self.options.get("protect"))
        res.extra_options = {k: v for k, v in self.options.items() if k != "protect"}
        return res


CASES = [
    Case(
        "rotation-off",
        "kms-key-rotation-enabled",
        "key",
        {"enableKeyRotation": False},
        ("does not rotate", "enable_key_rotation=True"),
    ),
    Case(
        "rotation-unset",
        "kms-key-rotation-enabled",
        "key",
        {"enableKeyRotation": None},
        ("does not rotate",),
    ),
    Case(
        "window-45",
        "kms-key-deletion-window",
        "key",
        {"deletionWindowInDays": 45.0},
        ("deletion window of 45 days", "between 7 and 30"),
    ),
    Case(
        "window-config",
        "kms-key-deletion-window",
        "key",
        {"deletionWindowInDays": 7.0},
        ("outside 14-30",),
        config={"minDays": 14.0},
    ),
    Case(
        "table-no-sse",
        "dynamodb-table-cmk-encryption",
        "table",
        {"serverSideEncryption": None},
        ("does not enable server-side encryption", "kms_key_arn"),
    ),
    Case(
        "table-no-cmk",
        "dynamodb-table-cmk-encryption",
        "table",
        {"serverSideEncryption": {"enabled": True}},
        ("has no kmsKeyArn", "kms_key_arn"),
    ),
    Case(
        "table-aws-key",
        "dynamodb-table-cmk-encryption",
        "table",
        {"serverSideEncryption": {"enabled": True, "kmsKeyArn": "alias/aws/dynamodb"}},
        ("AWS-managed key 'alias/aws/dynamodb'",),
    ),
    Case(
        "pitr-off",
        "dynamodb-table-pitr-enabled",
        "table",
        {"pointInTimeRecovery": {"enabled": False}},
        ("point-in-time recovery off", "point_in_time_recovery={'enabled': True}"),
    ),
    Case(
        "provisioned",
        "dynamodb-table-on-demand-billing",
        "table",
        {"billingMode": "PROVISIONED"},
        ("'PROVISIONED'", "billing_mode='PAY_PER_REQUEST'"),
    ),
    Case(
        "billing-unset",
        "dynamodb-table-on-demand-billing",
        "table",
        {"billingMode": None},
        ("PROVISIONED (default)",),
    ),
    Case(
        "table-deletion-protection",
        "resource-no-deletion-protection",
        "table",
        {"deletionProtectionEnabled": True},
        ("deletionProtectionEnabled=True", "remove"),
    ),
    Case(
        "cognito-deletion-protection",
        "resource-no-deletion-protection",
        "key",
        {"deletionProtection": "ACTIVE"},
        ("deletionProtection='ACTIVE'",),
    ),
    Case(
        "queue-aws-key",
        "sqs-queue-cmk-encryption",
        "queue",
        {"kmsMasterKeyId": "alias/aws/sqs"},
        ("AWS-managed key 'alias/aws/sqs'", "kms_master_key_id"),
    ),
    Case(
        "queue-sse-sqs",
        "sqs-queue-cmk-encryption",
        "queue",
        {"kmsMasterKeyId": None, "sqsManagedSseEnabled": True},
        ("has no kmsMasterKeyId",),
    ),
    Case(
        "topic-aws-key",
        "sns-topic-cmk-encryption",
        "topic",
        {"kmsMasterKeyId": "alias/aws/sns"},
        ("AWS-managed key 'alias/aws/sns'", "kms_master_key_id"),
    ),
    Case(
        "topic-aws-key-arn",
        "sns-topic-cmk-encryption",
        "topic",
        {"kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/sns"},
        ("AWS-managed key",),
    ),
    Case(
        "parameter-string",
        "ssm-parameter-secure-string-cmk",
        "parameter",
        {"type": "String"},
        ("type 'String', not 'SecureString'", "type='SecureString'"),
    ),
    Case(
        "parameter-default-key",
        "ssm-parameter-secure-string-cmk",
        "parameter",
        {"keyId": None},
        ("has no keyId", "key_id"),
    ),
    Case(
        "log-group-no-key",
        "cloudwatch-log-group-cmk-encryption",
        "log_group",
        {"kmsKeyId": None},
        ("has no kmsKeyId", "kms_key_id"),
    ),
    Case(
        "retention-7",
        "cloudwatch-log-group-retention",
        "log_group",
        {"retentionInDays": 7.0},
        ("retains logs for 7 days, not the configured 30 days", "retention_in_days=30"),
    ),
    Case(
        "retention-forever",
        "cloudwatch-log-group-retention",
        "log_group",
        {"retentionInDays": None},
        ("never expire",),
    ),
    Case(
        "retention-config",
        "cloudwatch-log-group-retention",
        "log_group",
        {},
        ("not the configured 90 days", "retention_in_days=90"),
        config={"logRetentionDays": 90.0},
    ),
    Case(
        "env-no-cmk",
        "lambda-function-environment-cmk",
        "function",
        {"kmsKeyArn": None},
        ("has no kmsKeyArn", "kms_key_arn"),
    ),
    Case(
        "x86",
        "lambda-function-arm64",
        "function",
        {"architectures": ["x86_64"]},
        ("runs on ['x86_64']", "architectures=['arm64']"),
    ),
    Case(
        "arch-default",
        "lambda-function-arm64",
        "function",
        {"architectures": None},
        ("x86_64 (default)",),
    ),
    Case(
        "passthrough",
        "lambda-function-xray-active",
        "function",
        {"tracingConfig": {"mode": "PassThrough"}},
        ("'PassThrough'", "{'mode': 'Active'}"),
    ),
    Case(
        "tracing-unset",
        "lambda-function-xray-active",
        "function",
        {"tracingConfig": None},
        ("PassThrough (default)",),
    ),
    Case(
        "unreserved",
        "lambda-function-reserved-concurrency",
        "function",
        {"reservedConcurrentExecutions": None},
        ("unreserved (-1)", "reserved_concurrent_executions=100"),
    ),
    Case(
        "reserved-config",
        "lambda-function-reserved-concurrency",
        "function",
        {},
        ("not the configured 20", "reserved_concurrent_executions=20"),
        config={"reservedConcurrency": 20.0},
    ),
    Case(
        "no-dlq",
        "lambda-function-dead-letter-target",
        "function",
        {"deadLetterConfig": None},
        ("no dead-letter target", "dead_letter_config"),
    ),
    Case(
        "python39",
        "lambda-function-python-runtime",
        "function",
        {"runtime": "python3.9"},
        ("deprecated by AWS Lambda since 2025-12-15", "python3.12"),
        config={"asOf": "2026-01-01"},
    ),
    Case(
        "python311-later",
        "lambda-function-python-runtime",
        "function",
        {"runtime": "python3.11"},
        ("deprecated by AWS Lambda since 2026-06-30",),
        config={"asOf": "2026-07-01"},
    ),
    Case(
        "python-minimum",
        "lambda-function-python-runtime",
        "function",
        {"runtime": "python3.12"},
        ("older than python3.13",),
        config={"minimumVersion": "3.13", "asOf": "2026-01-01"},
    ),
    Case(
        "node",
        "lambda-function-python-runtime",
        "function",
        {"runtime": "nodejs22.x"},
        ("not a Python runtime",),
    ),
    Case(
        "python-unoffered",
        "lambda-function-python-runtime",
        "function",
        {"runtime": "python3.7"},
        ("older than python3.9",),
    ),
    Case(
        "memory-128",
        "lambda-function-sizing-bounds",
        "function",
        {"memorySize": 128.0},
        ("memory (MB) is 128, outside 256-3008", "memory_size between 256 and 3008"),
        config={"minMemoryMb": 256, "maxMemoryMb": 3008},
    ),
    Case(
        "memory-default",
        "lambda-function-sizing-bounds",
        "function",
        {"memorySize": None},
        ("128 (AWS default)",),
        config={"minMemoryMb": 256},
    ),
    Case(
        "memory-over-lambda-limit",
        "lambda-function-sizing-bounds",
        "function",
        {"memorySize": 10241.0},
        ("memory (MB) is 10241, outside 128-10240",),
    ),
    Case(
        "timeout-900",
        "lambda-function-sizing-bounds",
        "function",
        {"timeout": 900.0},
        ("timeout (s) is 900, outside 3-300", "timeout between 3 and 300"),
        config={"minTimeoutSeconds": 3, "maxTimeoutSeconds": 300},
    ),
    Case(
        "secret-value",
        "lambda-function-no-plaintext-secrets",
        "function",
        {"environment": _env(STRIPE_WEBHOOK="whsec_abc123")},
        ("variable STRIPE_WEBHOOK", "known secret format", "STRIPE_WEBHOOK_PARAM"),
    ),
    Case(
        "aws-key-value",
        "lambda-function-no-plaintext-secrets",
        "function",
        {"environment": _env(THING="AKIAABCDEFGHIJKLMNOP")},
        ("known secret format",),
    ),
    Case(
        "secret-name",
        "lambda-function-no-plaintext-secrets",
        "function",
        {"environment": _env(SQUARE_SIGNATURE_KEY="plain-value")},
        ("secret-looking name", "SQUARE_SIGNATURE_KEY_PARAM"),
    ),
    Case(
        "param-literal",
        "lambda-function-no-plaintext-secrets",
        "function",
        {"environment": _env(STRIPE_SIGNING_SECRET_PARAM="hunter2")},
        ("should point to an SSM parameter", "STRIPE_SIGNING_SECRET_PARAM"),
    ),
    Case(
        "missing-costcenter",
        "required-tags",
        "queue",
        {"tags": {"Environment": "dev", "Owner": "me"}},
        ("lacks non-empty tags ['CostCenter']", "CostCenter=<value>"),
    ),
    Case(
        "empty-owner",
        "required-tags",
        "function",
        {"tags": {"Environment": "dev", "CostCenter": "cc", "Owner": " "}},
        ("['Owner']",),
    ),
    Case(
        "no-tags",
        "required-tags",
        "table",
        {"tags": None},
        ("['Environment', 'CostCenter', 'Owner']",),
    ),
    Case(
        "physical-name",
        "resource-name-environment-suffix",
        "queue",
        {"name": "webhook-events"},
        ("physical name 'webhook-events' without the environment suffix 'dev'", "-dev"),
    ),
    Case(
        "suffix-config",
        "resource-name-environment-suffix",
        "queue",
        {},
        ("without the environment suffix 'prod'",),
        config={"environmentSuffix": "prod"},
    ),
    Case(
        "protected",
        "resource-not-protected",
        "table",
        {},
        ("is protected", "protect=True"),
        options={"protect": True},
    ),
    Case(
        "retained",
        "resource-no-retain-on-delete",
        "log_group",
        {},
        ("sets retain_on_delete", "retain_on_delete=True"),
        options={"retain_on_delete": True},
    ),
    Case(
        "dynamodb-star",
        "iam-no-wildcard-actions",
        "role_policy",
        {"policy": _iam({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:x"})},
        ("wildcard actions ['dynamodb:*']", "dynamodb:PutItem"),
    ),
    Case(
        "partial-star",
        "iam-no-wildcard-actions",
        "role_policy",
        {"policy": _iam({"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:x"})},
        ("['s3:Get*']",),
    ),
    Case(
        "not-action",
        "iam-no-wildcard-actions",
        "role_policy",
        {"policy": _iam({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"})},
        ("NotAction:iam:*",),
    ),
    Case(
        "inline-role-star",
        "iam-no-wildcard-actions",
        "role",
        {
            "inlinePolicies": [
                {
                    "name": "inline",
                    "policy": _iam({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                }
            ]
        },
        ("inlinePolicies[0] inline", "['*']"),
    ),
    Case(
        "star-resource",
        "iam-no-wildcard-resources",
        "role_policy",
        {"policy": _iam({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"})},
        ("allows ['sqs:SendMessage'] on Resource '*'", "resource ARNs"),
    ),
    Case(
        "star-resource-config",
        "iam-no-wildcard-resources",
        "role_policy",
        {},
        ("xray:PutTraceSegments",),
        config={"allowedActions": ["xray:PutTelemetryRecords"]},
    ),
    Case(
        "pass-role",
        "iam-no-pass-role",
        "role_policy",
        {"policy": _iam({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:r"})},
        ("allows iam:PassRole", "remove iam:PassRole"),
    ),
    Case(
        "pass-role-wildcard",
        "iam-no-pass-role",
        "role_policy",
        {"policy": _iam({"Effect": "Allow", "Action": "iam:Pass*", "Resource": "arn:r"})},
        ("allows iam:PassRole",),
    ),
    Case(
        "admin-managed",
        "iam-no-admin-policies",
        "role",
        {"managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
        (
            "attaches the administrator policy arn:aws:iam::aws:policy/AdministratorAccess",
            "inline least-privilege policy",
        ),
    ),
]


def test_every_resource_policy_has_a_failing_case() -> None:
    assert {c.policy for c in CASES} | {p.policy for p in PAIRS} == set(RESOURCE_POLICIES)


@pytest.mark.parametrize("name", RESOURCE_POLICIES)
@pytest.mark.parametrize("kind", sorted(BASELINES))
def test_compliant_baseline_passes(name: str, kind: str) -> None:
    assert check(name, make(kind)) == []


def _evidence(case: Case) -> Any:
    """Each case is evidence for the requirement its policy references."""
    reference = policy_named(case.policy).framework.reference
    return pytest.param(case, id=case.id, marks=pytest.mark.evidence(reference))


@pytest.mark.parametrize("case", [_evidence(c) for c in CASES])
def test_violation_names_resource_and_fix(case: Case) -> None:
    res = case.resource()
    found = check(case.policy, res, case.config)
    assert len(found) == 1, found
    assert f"'{res.name}' ({res.type})" in found[0]
    assert "Fix: " in found[0]
    for fragment in case.expect:
        assert fragment in found[0]


def test_attachment_resources_are_checked_for_admin_policies() -> None:
    attachment = Res(
        "attachment",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "admin-attachment-dev",
        {"role": "r", "policyArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
    )
    assert len(check("iam-no-admin-policies", attachment)) == 1
    attachment.props["policyArn"] = "arn:aws:iam::123456789012:policy/AppPolicy"
    assert check("iam-no-admin-policies", attachment) == []


def test_legacy_spelling_of_a_type_token_is_matched() -> None:
    res = make("function", architectures=["x86_64"])
    res.type = "aws:lambda/Function:Function"
    assert len(check("lambda-function-arm64", res)) == 1


def test_other_resource_types_are_ignored() -> None:
    res = make("queue", architectures=["x86_64"], enableKeyRotation=False)
    assert check("lambda-function-arm64", res) == []
    assert check("kms-key-rotation-enabled", res) == []


# --- unknown values (first preview): no crash, no false positive -----------------------------


@pytest.mark.parametrize(
    ("name", "kind", "changes"),
    [
        (
            "dynamodb-table-cmk-encryption",
            "table",
            {"serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN}},
        ),
        ("sqs-queue-cmk-encryption", "queue", {"kmsMasterKeyId": UNKNOWN}),
        ("sns-topic-cmk-encryption", "topic", {"kmsMasterKeyId": UNKNOWN}),
        ("ssm-parameter-secure-string-cmk", "parameter", {"keyId": UNKNOWN}),
        ("cloudwatch-log-group-cmk-encryption", "log_group", {"kmsKeyId": UNKNOWN}),
        ("lambda-function-environment-cmk", "function", {"kmsKeyArn": UNKNOWN}),
        (
            "lambda-function-dead-letter-target",
            "function",
            {"deadLetterConfig": {"targetArn": UNKNOWN}},
        ),
        ("required-tags", "queue", {"tags": UNKNOWN}),
        ("required-tags", "queue", {"tags": {**BASELINES["queue"][2]["tags"], "Owner": UNKNOWN}}),
        ("resource-name-environment-suffix", "queue", {"name": UNKNOWN}),
    ],
)
def test_unknown_references_pass(name: str, kind: str, changes: dict[str, Any]) -> None:
    assert check(name, make(kind, **changes)) == []


def test_unknown_env_values_are_skipped_but_known_ones_checked() -> None:
    env = _env(INGEST_QUEUE_URL=UNKNOWN, API_TOKEN="abc")
    found = check("lambda-function-no-plaintext-secrets", make("function", environment=env))
    assert len(found) == 1
    assert "variable API_TOKEN" in found[0]


def test_unknown_policy_document_is_left_to_the_engine() -> None:
    """The engine turns this error into an advisory "can't run policy during preview"."""
    with pytest.raises(UnknownValueError):
        check("iam-no-wildcard-actions", make("role_policy", policy=UNKNOWN))


def test_invalid_policy_document_is_an_error_not_a_pass() -> None:
    with pytest.raises(ValueError, match="not a JSON document"):
        check("iam-no-wildcard-actions", make("role_policy", policy="{not json"))


def test_baseline_processor_policy_only_uses_allow_listed_star_actions() -> None:
    star = [s for s in PROCESSOR_POLICY["Statement"] if s["Resource"] == "*"]
    assert star
    assert check("iam-no-wildcard-resources", make("role_policy")) == []


def test_retain_on_delete_is_not_applicable_when_the_engine_hides_it() -> None:
    """Under the real engine opts has no retain_on_delete: no violation, no crash."""
    assert check("resource-no-retain-on-delete", make("log_group")) == []


def test_suffix_without_config_or_stack_is_not_applicable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PULUMI_STACK")
    assert check("resource-name-environment-suffix", make("queue", name="x")) == []


def test_suffix_comes_from_the_stack_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_STACK", "acme/payments/staging")
    assert "suffix 'staging'" in check("resource-name-environment-suffix", make("queue"))[0]
