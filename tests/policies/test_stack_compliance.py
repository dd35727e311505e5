"""The real stack against the real pack, offline: it passes, and each mutation (applied with a
stack transformation, as a user's change would arrive) is caught by the intended policy, as a
mandatory violation, on the intended resource."""

from __future__ import annotations

import json
import sys
import types
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from compliance.policy_engine import Violation, evaluate, has_mandatory
from compliance.preview import Preview, run_preview

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = "qa"
CONFIG = {
    "environmentSuffix": SUFFIX,
    "environment": "testing",
    "costCenter": "cc-1234",
    "owner": "payments-team@example.com",
}
HOOK = "_pci_pack_stack_transformation"  # module the wrapper program reads its mutation from

Mutation = Callable[[dict[str, Any], pulumi.ResourceOptions], tuple[dict[str, Any], Any]]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project that registers the current mutation, then runs the real program."""
    directory = tmp_path_factory.mktemp("mutated")
    (directory / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (directory / "__main__.py").write_text(
        "import runpy, sys\nimport pulumi\n"
        f"mutation = sys.modules[{HOOK!r}].transformation\n"
        "if mutation is not None:\n"
        "    pulumi.runtime.register_stack_transformation(mutation)\n"
        f"runpy.run_path({str(ROOT / '__main__.py')!r}, run_name='__main__')\n"
    )
    return directory


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "lambda.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("webhook_processor/__init__.py", "")
    return path


def _capture(
    program: Path, bundle: Path, transformation: Callable[..., Any] | None, unknowns: bool
) -> Preview:
    """Run the wrapper program with ``transformation`` registered as a stack transformation."""
    hook = types.ModuleType(HOOK)
    hook.transformation = transformation  # type: ignore[attr-defined]
    sys.modules[HOOK] = hook
    try:
        return run_preview(
            program, SUFFIX, {**CONFIG, "lambdaBundle": str(bundle)}, unknowns=unknowns
        )
    finally:
        del sys.modules[HOOK]


@pytest.fixture(scope="module")
def preview(program: Path, bundle: Path) -> Callable[..., list[dict[str, Any]]]:
    """Capture the stack (optionally mutated) as `compliance preview` JSON resources."""

    def run(
        transformation: Callable[..., Any] | None = None, unknowns: bool = False
    ) -> list[dict[str, Any]]:
        captured = _capture(program, bundle, transformation, unknowns)
        return json.loads(captured.to_json())["resources"]

    return run


def _mandatory(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v["policy"], v["urn"]) for v in violations if v["level"] == "mandatory"]


@pytest.mark.evidence("2.2.1", "3.5.1", "7.2.2", "10.5.1", "12.5.1")
@pytest.mark.parametrize("unknowns", [False, True], ids=["known", "first-preview"])
def test_the_stack_has_no_mandatory_violation(
    preview: Callable[..., list[dict[str, Any]]], unknowns: bool
) -> None:
    violations = evaluate(preview(unknowns=unknowns), stack=SUFFIX)
    assert not has_mandatory(violations), violations
    if not unknowns:
        assert violations == []
    else:  # only the engine's "can't run policy during preview" notes, for unknown documents
        assert all("during preview" in v["message"] for v in violations)


def _set(**changes: Any) -> Mutation:
    return lambda props, opts: ({**props, **changes}, opts)


def _drop_tag(key: str) -> Mutation:
    def mutate(props: dict[str, Any], opts: pulumi.ResourceOptions) -> tuple[dict[str, Any], Any]:
        return {**props, "tags": {k: v for k, v in props["tags"].items() if k != key}}, opts

    return mutate


def _widen_dynamodb(props: dict[str, Any], opts: pulumi.ResourceOptions) -> tuple[Any, Any]:
    policy = pulumi.Output.from_input(props["policy"]).apply(
        lambda text: text.replace('"dynamodb:PutItem"', '"dynamodb:*"')
    )
    return {**props, "policy": policy}, opts


def _options(**options: Any) -> Mutation:
    return lambda props, opts: (
        props,
        pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(**options)),
    )


# (id, type, logical name, mutation, the policy that must catch it)
MUTATIONS: list[tuple[str, str, str, Mutation, str]] = [
    ("x86_64", "aws:lambda/function:Function", f"webhook-processor-{SUFFIX}",
     _set(architectures=["x86_64"]), "lambda-function-arm64"),
    ("passthrough-tracing", "aws:lambda/function:Function", f"webhook-receiver-{SUFFIX}",
     _set(tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="PassThrough")),
     "lambda-function-xray-active"),
    ("pitr-off", "aws:dynamodb/table:Table", f"payment-transactions-{SUFFIX}",
     _set(point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=False)),
     "dynamodb-table-pitr-enabled"),
    ("aws-managed-sns-key", "aws:sns/topic:Topic", f"payment-events-{SUFFIX}",
     _set(kms_master_key_id="alias/aws/sns"), "sns-topic-cmk-encryption"),
    ("retention-7", "aws:cloudwatch/logGroup:LogGroup", f"webhook-receiver-logs-{SUFFIX}",
     _set(retention_in_days=7), "cloudwatch-log-group-retention"),
    ("no-costcenter", "aws:sqs/queue:Queue", f"webhook-events-{SUFFIX}",
     _drop_tag("CostCenter"), "required-tags"),
    ("protect", "aws:kms/key:Key", f"payment-webhooks-key-{SUFFIX}",
     _options(protect=True), "resource-not-protected"),
    ("retain-on-delete", "aws:dynamodb/table:Table", f"payment-transactions-{SUFFIX}",
     _options(retain_on_delete=True), "resource-no-retain-on-delete"),
    ("dynamodb-star", "aws:iam/rolePolicy:RolePolicy", f"webhook-processor-policy-{SUFFIX}",
     _widen_dynamodb, "iam-no-wildcard-actions"),
    ("name-without-suffix", "aws:dynamodb/table:Table", f"payment-transactions-{SUFFIX}",
     _set(name="payment-transactions"), "resource-name-environment-suffix"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("type_", "name", "mutation", "policy"),
    [pytest.param(*m[1:], id=m[0]) for m in MUTATIONS],
)
def test_mutation_is_caught_by_the_intended_policy(
    preview: Callable[..., list[dict[str, Any]]],
    type_: str,
    name: str,
    mutation: Mutation,
    policy: str,
) -> None:
    applied: list[str] = []

    def transformation(args: pulumi.ResourceTransformationArgs) -> Any:
        if args.type_ != type_ or args.name != name:
            return None
        applied.append(args.name)
        props, opts = mutation(dict(args.props), args.opts)
        return pulumi.ResourceTransformationResult(props, opts)

    resources = preview(transformation)
    assert applied == [name]
    target = next(r["urn"] for r in resources if r["type"] == type_ and r["name"] == name)
    violations = evaluate(resources, stack=SUFFIX)
    assert _mandatory(violations) == [(policy, target)], violations
    message = next(v["message"] for v in violations if v["policy"] == policy)
    assert f"'{name}'" in message
    assert "Fix: " in message


def test_exact_wire_inputs_give_the_same_findings(program: Path, bundle: Path) -> None:
    """The preview JSON's null-for-unknown form and the exact wire form are evaluated alike."""
    captured = _capture(program, bundle, None, unknowns=True)
    as_json = [r.to_dict() for r in captured.resources]
    as_wire = [{**r.to_dict(), "wireInputs": r.wire_inputs} for r in captured.resources]
    findings = evaluate(as_json, stack=SUFFIX)
    assert findings  # the first preview has unknown IAM documents to report
    assert evaluate(as_wire, stack=SUFFIX) == findings
