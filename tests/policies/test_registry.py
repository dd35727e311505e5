"""The registry's metadata, the pack entry point and the files the Pulumi CLI needs."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
import yaml
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)
from pulumi_policy.policy import _PolicyAnalyzerServicer

from compliance.policy_engine import load_pack, reconcile_config
from pci_pack import PACK_NAME, all_policies
from pci_pack.meta import PCI_DSS, PCI_DSS_VERSION
from pci_pack.registry import DuplicatePolicyError, Registry, build

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
POLICIES = all_policies()
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
PCI_REFERENCE = re.compile(r"^(A\d\.)?\d{1,2}(\.\d{1,2}){1,3}$")


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_policy_metadata(policy: ResourceValidationPolicy | StackValidationPolicy) -> None:
    assert NAME.match(policy.name)
    assert policy.description.endswith(".")
    assert isinstance(policy.severity, Severity)
    assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)
    assert policy.framework is not None
    assert policy.framework.name == PCI_DSS
    assert policy.framework.version == PCI_DSS_VERSION == "4.0.1"
    assert PCI_REFERENCE.match(policy.framework.reference or "")
    assert policy.remediation_steps
    assert (policy.url or "").startswith("https://")
    assert policy.tags


def test_names_are_unique_and_sorted() -> None:
    names = [p.name for p in POLICIES]
    assert names == sorted(set(names))


def test_the_issue_rules_are_all_there() -> None:
    expected = {
        "dynamodb-table-cmk-encryption", "sqs-queue-cmk-encryption", "sns-topic-cmk-encryption",
        "ssm-parameter-secure-string-cmk", "cloudwatch-log-group-cmk-encryption",
        "lambda-function-environment-cmk", "kms-key-rotation-enabled", "kms-key-deletion-window",
        "dynamodb-table-pitr-enabled", "dynamodb-table-on-demand-billing",
        "resource-no-deletion-protection", "lambda-function-arm64", "lambda-function-xray-active",
        "lambda-function-reserved-concurrency", "lambda-function-dead-letter-target",
        "lambda-function-python-runtime", "lambda-function-sizing-bounds",
        "lambda-function-no-plaintext-secrets", "lambda-function-explicit-log-group",
        "cloudwatch-log-group-retention", "sqs-consumed-queue-redrive",
        "sqs-visibility-timeout-covers-consumer", "sqs-sns-deny-insecure-transport",
        "required-tags", "resource-name-environment-suffix", "resource-not-protected",
        "resource-no-retain-on-delete", "aws-provider-allowed-region", "iam-no-wildcard-actions",
        "iam-no-wildcard-resources", "iam-no-pass-role", "iam-no-admin-policies",
        "lambda-function-url-public-receiver-only", "lambda-sqs-mapping-max-concurrency",
        "s3-bucket-public-access-blocked", "s3-bucket-cmk-encryption", "s3-bucket-tls-only",
        "secretsmanager-secret-cmk-encryption", "rds-storage-cmk-encryption",
        "rds-instance-not-public", "ebs-volume-cmk-encryption", "efs-file-system-cmk-encryption",
        "kinesis-stream-cmk-encryption", "ecr-repository-cmk-encryption",
        "security-group-no-public-ingress", "lb-listener-tls12", "apigateway-stage-access-logging",
        "apigateway-domain-tls12", "lambda-permission-scoped",
        "resource-policy-no-public-principal",
    }  # fmt: skip
    assert {p.name for p in POLICIES} >= expected


def test_config_schema_defaults_satisfy_their_own_schemas() -> None:
    settings = reconcile_config(load_pack(PACK_DIR))
    assert settings["cloudwatch-log-group-retention"].properties == {"logRetentionDays": 30.0}
    assert settings["lambda-function-reserved-concurrency"].properties == {
        "reservedConcurrency": 100.0
    }
    assert settings["sqs-consumed-queue-redrive"].properties == {"maxReceiveCount": 6.0}


def test_registry_rejects_a_duplicate_name() -> None:
    registry = Registry()
    registry.add(POLICIES[0], "pci_pack.first")
    with pytest.raises(DuplicatePolicyError, match=r"in pci_pack\.first and in pci_pack\.second"):
        registry.add(POLICIES[0], "pci_pack.second")


def _package(root: Path, name: str, rule_body: str) -> None:
    service = root / name / "svc"
    service.mkdir(parents=True)
    (root / name / "__init__.py").write_text("")
    (service / "__init__.py").write_text("")
    (service / "rule.py").write_text(rule_body)


def test_build_requires_a_policy_per_rule_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(tmp_path, "norule_pack", "VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    package = __import__("norule_pack")
    with pytest.raises(TypeError, match=r"norule_pack\.svc\.rule defines no POLICY"):
        build(package)


def test_build_rejects_two_modules_with_one_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "from pci_pack.kms.key_rotation import POLICY\n"
    _package(tmp_path, "twice_pack", body)
    (tmp_path / "twice_pack" / "svc" / "again.py").write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(DuplicatePolicyError, match="kms-key-rotation-enabled"):
        build(__import__("twice_pack"))
    for name in [m for m in sys.modules if m.startswith("twice_pack")]:
        del sys.modules[name]


def test_main_constructs_exactly_the_registry_policies() -> None:
    """Runs policies/__main__.py with PolicyPack captured: no server, same policy objects."""
    pack = load_pack(PACK_DIR)
    assert pack.name == PACK_NAME
    assert list(pack.policies) == POLICIES
    assert all(a is b for a, b in zip(pack.policies, POLICIES, strict=True))
    assert pack.enforcement_level == EnforcementLevel.ADVISORY
    assert pack.version == "0.1.0"


def test_the_sdk_analyzer_serves_the_pack_metadata() -> None:
    """What the CLI asks the pack for first (GetAnalyzerInfo), from pulumi-policy's own servicer."""
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", POLICIES, EnforcementLevel.ADVISORY)
    info = servicer.GetAnalyzerInfo(None, None)
    assert info.name == PACK_NAME
    served = {p.name: p for p in info.policies}
    assert set(served) == {p.name for p in POLICIES}
    retention = served["cloudwatch-log-group-retention"]
    assert retention.enforcementLevel == proto.MANDATORY
    assert retention.framework.reference == "10.5.1"
    assert retention.configSchema.properties["logRetentionDays"]["default"] == 30
    assert served["lambda-function-explicit-log-group"].policy_type == proto.POLICY_TYPE_STACK


def test_pulumi_policy_yaml_is_a_python_pack() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == "venv"
    assert re.match(r"^\d+\.\d+\.\d+$", project["version"])


def test_pack_requirements_pin_what_the_project_runs() -> None:
    lines = (PACK_DIR / "requirements.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if line and not line.startswith("#"))
    assert pins == {
        "pulumi-policy": importlib.metadata.version("pulumi-policy"),
        "pulumi": importlib.metadata.version("pulumi"),
    }
    assert pins["pulumi-policy"] == "1.21.0"


def test_pack_imports_nothing_from_the_stack() -> None:
    for path in [PACK_DIR / "__main__.py", *(PACK_DIR / "pci_pack").rglob("*.py")]:
        source = path.read_text()
        assert not re.search(r"^\s*(from|import)\s+(stack|compliance)\b", source, re.M), path


def test_every_rule_module_explains_itself() -> None:
    """One rule per module, each with a docstring saying why the rule exists."""
    import importlib
    import pkgutil

    import pci_pack

    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(pci_pack.__path__, prefix="pci_pack.")
        if not m.ispkg and m.name.count(".") == 2
    ]
    assert sorted(m.POLICY.name for m in modules) == [p.name for p in POLICIES]
    for module in modules:
        assert (module.__doc__ or "").strip(), module.__name__
