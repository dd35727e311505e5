"""The offline evaluator: pack loading without a server, config reconciliation as the CLI does it,
engine order and levels, unknowns; and agreement with pulumi-policy's own analyzer servicer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from compliance.policy_engine import (
    PolicyEngineError,
    Violation,
    evaluate,
    format_violations,
    has_mandatory,
    load_config,
    load_pack,
    reconcile_config,
)
from tests.compliance.report_data import capture

ROOT = Path(__file__).resolve().parents[2]
CAPTURE = capture()

TEST_PACK = """
from pulumi_policy import (
    EnforcementLevel, PolicyConfigSchema, PolicyPack, ResourceValidationPolicy,
    StackValidationPolicy,
)

def owner_tag(args):
    props = dict(args.props)
    props["tags"] = {**dict(props.get("tags") or {}), "Owner": "auto"}
    return props

def has_owner(args, report):
    if "Owner" not in (args.props.get("tags") or {}):
        report("no Owner tag")

def named(args, report):
    cfg = args.get_config()
    if cfg.get("explode"):
        raise RuntimeError("boom")
    if not args.props["name"].startswith(cfg["prefix"]):
        report(f"{args.name} lacks prefix {cfg['prefix']!r} ({type(cfg['limit']).__name__})")

def retained(args, report):
    if getattr(args.opts, "retain_on_delete", False):
        report("retained")

def graph(args, report):
    for r in args.resources:
        deps = sorted(d.name for d in r.dependencies)
        parent = r.parent.name if r.parent else None
        by_prop = {k: [d.name for d in v] for k, v in r.property_dependencies.items()}
        report(f"{r.name} deps={deps} parent={parent} props={by_prop}", r.urn)
    report("stack-wide")

def stack_env(args, report):
    import os
    report("stack=" + os.environ.get("PULUMI_STACK", "-"))

PolicyPack(
    name="test-pack",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="owner-tag", description="Resources have an Owner tag.",
            validate=has_owner, remediate=owner_tag,
            enforcement_level=EnforcementLevel.REMEDIATE),
        ResourceValidationPolicy(
            name="named", description="Names carry the prefix.", validate=named,
            config_schema=PolicyConfigSchema(properties={
                "prefix": {"type": "string", "default": "app-"},
                "limit": {"type": "integer", "minimum": 1, "default": 3},
                "explode": {"type": "boolean"},
                "regions": {"type": "array", "maxItems": 3, "uniqueItems": True,
                            "items": {"type": "string", "pattern": "^[a-z-]+[0-9]$"}},
                "mode": {"oneOf": [{"const": "strict"}, {"const": "lenient"}]},
            })),
        ResourceValidationPolicy(
            name="retained", description="Nothing is retained.", validate=retained,
            enforcement_level=EnforcementLevel.ADVISORY),
        StackValidationPolicy(name="graph", description="Stack graph.", validate=graph,
            enforcement_level=EnforcementLevel.DISABLED),
        StackValidationPolicy(name="stack-env", description="Stack env.", validate=stack_env,
            enforcement_level=EnforcementLevel.ADVISORY),
    ],
)
"""


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("test-pack")
    (directory / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 1.2.3\n")
    (directory / "__main__.py").write_text(TEST_PACK)
    return directory


def _resource(name: str, /, **inputs: Any) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:dev::proj::test:index:Thing::{name}",
        "type": "test:index:Thing",
        "name": name,
        "parent": None,
        "provider": None,
        "inputs": inputs,
        "propertyDependencies": {},
        "outputs": {},
        "options": {"protect": False, "retainOnDelete": False, "dependsOn": []},
    }


def _found(violations: list[Violation]) -> list[tuple[str, str, str]]:
    return [(v["policy"], v["level"], v["message"]) for v in violations]


# --- loading ----------------------------------------------------------------------------------


def test_pack_is_captured_not_served(pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    assert pack.name == "test-pack"
    assert pack.version == "1.2.3"
    assert pack.enforcement_level == EnforcementLevel.MANDATORY
    assert [p.name for p in pack.policies] == [
        "owner-tag",
        "named",
        "retained",
        "graph",
        "stack-env",
    ]


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ({}, "has no PulumiPolicy.yaml"),
        ({"PulumiPolicy.yaml": "runtime: python\n"}, "has no __main__.py"),
        ({"PulumiPolicy.yaml": "runtime: python\n", "__main__.py": "x = 1\n"}, "never constructs"),
    ],
)
def test_unusable_pack_dirs(tmp_path: Path, files: dict[str, str], error: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(PolicyEngineError, match=error):
        load_pack(tmp_path)


def test_policy_pack_is_restored_after_loading(pack_dir: Path) -> None:
    import pulumi_policy

    load_pack(pack_dir)
    assert pulumi_policy.PolicyPack.__name__ == "PolicyPack"


# --- evaluation order, levels, remediation ----------------------------------------------------


def test_remediation_runs_before_validation(pack_dir: Path) -> None:
    found = evaluate([_resource("app-a", name="app-a")], pack_dir)
    assert _found(found) == [
        ("owner-tag", "remediate", "Resources have an Owner tag."),
        ("stack-env", "advisory", "Stack env.\nstack=" + os.environ.get("PULUMI_STACK", "-")),
    ]


def test_config_level_overrides_policy_level(pack_dir: Path) -> None:
    found = evaluate([_resource("app-a", name="app-a")], pack_dir, {"owner-tag": "mandatory"})
    assert _found(found)[0] == (
        "owner-tag",
        "mandatory",
        "Resources have an Owner tag.\nno Owner tag",
    )
    assert found[0]["urn"] == "urn:pulumi:dev::proj::test:index:Thing::app-a"
    assert found[0]["resourceType"] == "test:index:Thing"
    assert has_mandatory(found)


def test_all_level_then_per_policy(pack_dir: Path) -> None:
    resources = [_resource("b", name="b")]
    assert evaluate(resources, pack_dir, {"all": "disabled"}) == []
    found = evaluate(resources, pack_dir, {"all": "disabled", "named": "advisory"})
    assert _found(found) == [
        ("named", "advisory", "Names carry the prefix.\nb lacks prefix 'app-' (float)")
    ]
    assert not has_mandatory(found)


def test_properties_merge_over_defaults_and_arrive_as_floats(pack_dir: Path) -> None:
    found = evaluate(
        [_resource("b", name="b")], pack_dir, {"named": {"prefix": "svc-"}, "all": "disabled"}
    )
    assert found == []  # "all" disables everything, including the configured policy
    found = evaluate(
        [_resource("b", name="b")], pack_dir, {"named": {"prefix": "svc-", "limit": 5}}
    )
    assert (
        "named",
        "mandatory",
        "Names carry the prefix.\nb lacks prefix 'svc-' (float)",
    ) in _found(found)


def test_stack_policies_see_parents_and_dependencies(pack_dir: Path) -> None:
    parent = _resource("p", name="app-p")
    child = _resource("c", name="app-c", ref=None)
    child["parent"] = parent["urn"]
    child["propertyDependencies"] = {"ref": [parent["urn"]]}
    child["options"]["dependsOn"] = [parent["urn"]]
    found = evaluate([parent, child], pack_dir, {"graph": "advisory"})
    graph = [v for v in found if v["policy"] == "graph"]
    assert [(v["urn"], v["message"].split("\n")[1]) for v in graph] == [
        (parent["urn"], "p deps=[] parent=None props={}"),
        (child["urn"], "c deps=['p'] parent=p props={'ref': ['p']}"),
        ("", "stack-wide"),
    ]
    assert graph[0]["resourceType"] == "test:index:Thing"


def test_unknown_values_are_reported_like_the_engine(pack_dir: Path) -> None:
    found = evaluate([_resource("u", name=None)], pack_dir, {"owner-tag": "disabled"})
    assert found[0] == Violation(
        policy="named",
        level="advisory",
        urn="urn:pulumi:dev::proj::test:index:Thing::u",
        resourceType="test:index:Thing",
        message="can't run policy 'named' from policy pack 'test-pack@v1.2.3' during preview: "
        "string value at .name can't be known during preview",
    )


def test_retain_on_delete_is_visible_offline(pack_dir: Path) -> None:
    resource = _resource("app-r", name="app-r")
    resource["options"]["retainOnDelete"] = True
    found = evaluate([resource], pack_dir, {"all": "disabled", "retained": "advisory"})
    assert _found(found) == [("retained", "advisory", "Nothing is retained.\nretained")]


def test_stack_name_is_exported_while_policies_run_then_restored(pack_dir: Path) -> None:
    before = os.environ.get("PULUMI_STACK")
    found = evaluate([], pack_dir, stack="qa")
    assert _found(found) == [("stack-env", "advisory", "Stack env.\nstack=qa")]
    assert os.environ.get("PULUMI_STACK") == before


def test_a_crashing_policy_is_an_error_naming_it(pack_dir: Path) -> None:
    with pytest.raises(
        PolicyEngineError, match=r"policy 'named' failed on urn:.*::x: RuntimeError"
    ):
        evaluate([_resource("x", name="x")], pack_dir, {"named": {"explode": True}})


def test_bad_resource_dicts_are_rejected(pack_dir: Path) -> None:
    with pytest.raises(PolicyEngineError, match="not a captured resource"):
        evaluate([{"type": "t"}], pack_dir)


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"named": "strict"}, "'strict' is not a valid enforcement level"),
        ({"named": {"enforcementLevel": "loud"}}, "'loud' is not a valid enforcement level"),
        ({"named": 3}, "must be an enforcement level or an object"),
        ({"nmed": "advisory"}, "config names policy 'nmed', which pack 'test-pack' does not have"),
        ({"named": {"limit": "three"}}, "named.limit: 'three' is not of type 'integer'"),
        ({"named": {"limit": 0}}, "named.limit: 0 is less than the minimum of 1"),
        ({"named": {"limit": 2.5}}, "named.limit: 2.5 is not of type 'integer'"),
        ({"named": {"explode": 1}}, "named.explode: 1 is not of type 'boolean'"),
        (
            {"named": {"regions": ["us-east-1", "Mars"]}},
            r"named.regions\[1\]: 'Mars' does not match",
        ),
        # Keywords beyond type/enum/bounds/pattern, which the jsonschema library brings.
        ({"named": {"regions": ["a1", "a1"]}}, r"named.regions: \['a1', 'a1'\] has non-unique"),
        ({"named": {"regions": ["a1", "b1", "c1", "d1"]}}, "named.regions: .* is too long"),
        ({"named": {"mode": "loose"}}, "named.mode: 'loose' is not valid under any"),
    ],
)
def test_invalid_config_is_a_clear_error(
    pack_dir: Path, config: dict[str, Any], error: str
) -> None:
    with pytest.raises(PolicyEngineError, match=error):
        reconcile_config(load_pack(pack_dir), config)


def test_reconciled_levels_and_properties(pack_dir: Path) -> None:
    settings = reconcile_config(load_pack(pack_dir), {"all": "advisory", "graph": "mandatory"})
    assert settings["owner-tag"].level == EnforcementLevel.ADVISORY
    assert settings["graph"].level == EnforcementLevel.MANDATORY
    assert settings["named"].properties == {"prefix": "app-", "limit": 3.0}


def test_config_file_in_cli_format(tmp_path: Path, pack_dir: Path) -> None:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps({"all": "disabled", "named": {"enforcementLevel": "mandatory"}}))
    assert load_config(path) == {"all": "disabled", "named": {"enforcementLevel": "mandatory"}}
    found = evaluate([_resource("b", name="b")], pack_dir, path)
    assert [v["policy"] for v in found] == ["named"]
    path.write_text("  \n")
    assert load_config(path) == {}
    path.write_text("[1]")
    with pytest.raises(PolicyEngineError, match="must be a JSON object"):
        load_config(path)
    path.write_text("{")
    with pytest.raises(PolicyEngineError, match="not JSON"):
        load_config(path)


# --- agreement with pulumi-policy's analyzer (the code `pulumi preview` talks to) -------------


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def _oracle(
    resources: list[dict[str, Any]], config: dict[str, Any] | None
) -> list[tuple[str, str, str, str]]:
    """Run pulumi-policy's own servicer over the resources, as the CLI would call it."""
    from compliance.policy_engine.evaluation import _Resource  # as evaluate() decodes

    pack = load_pack(ROOT / "policies")
    settings = reconcile_config(pack, config)
    servicer = _PolicyAnalyzerServicer(
        pack.name, pack.version, list(pack.policies), pack.enforcement_level
    )
    level = {e.value: getattr(proto, e.name) for e in EnforcementLevel}
    servicer.Configure(
        proto.ConfigureAnalyzerRequest(
            policyConfig={
                name: proto.PolicyConfig(
                    enforcementLevel=level[s.level.value], properties=_struct(dict(s.properties))
                )
                for name, s in settings.items()
            }
        ),
        None,
    )
    decoded = [_Resource.from_dict(r) for r in resources]
    by_urn = {r.urn: r for r in decoded}

    def provider(r: Any) -> Any:
        p = by_urn.get(r.provider or "")
        if p is None:
            return None
        return proto.AnalyzerProviderResource(
            type=p.type, properties=_struct(p.inputs), urn=p.urn, name=p.name
        )

    def options(r: Any) -> Any:
        return proto.AnalyzerResourceOptions(
            protect=bool(r.options.get("protect")), ignoreChanges=r.options.get("ignoreChanges")
        )

    names = {v: k for k, v in level.items()}
    found = []
    for r in decoded:
        response = servicer.Analyze(
            proto.AnalyzeRequest(
                type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name,
                options=options(r), provider=provider(r),
            ),
            None,
        )  # fmt: skip
        found += [
            (d.policyName, names[d.enforcementLevel], d.urn or r.urn, d.message)
            for d in response.diagnostics
        ]
    response = servicer.AnalyzeStack(
        proto.AnalyzeStackRequest(
            resources=[
                proto.AnalyzerResource(
                    type=r.type, properties=_struct(r.stack_props()), urn=r.urn, name=r.name,
                    options=options(r), provider=provider(r), parent=r.parent or "",
                    propertyDependencies={
                        k: proto.AnalyzerPropertyDependencies(urns=v)
                        for k, v in r.property_dependencies.items()
                    },
                )
                for r in decoded
            ]
        ),
        None,
    )  # fmt: skip
    found += [
        (d.policyName, names[d.enforcementLevel], d.urn, d.message) for d in response.diagnostics
    ]
    return found


def _mutated_capture() -> list[dict[str, Any]]:
    """The captured stack with a few violations planted (no retainOnDelete: the SDK hides it)."""
    resources = json.loads(json.dumps(CAPTURE["resources"]))
    for r in resources:
        if r["type"] == "aws:lambda/function:Function":
            r["inputs"]["architectures"] = ["x86_64"]
            r["inputs"]["timeout"] = 120
        if r["type"] == "aws:cloudwatch/logGroup:LogGroup":
            r["inputs"]["retentionInDays"] = 7.0
        if r["type"] == "aws:sns/topic:Topic":
            r["inputs"]["kmsMasterKeyId"] = "alias/aws/sns"
        if r["type"] == "aws:iam/rolePolicy:RolePolicy":
            r["inputs"]["policy"] = None  # unknown on a first preview
        if r["type"] == "aws:dynamodb/table:Table":
            r["options"]["protect"] = True
    return resources


@pytest.mark.parametrize(
    "config",
    [None, {"cloudwatch-log-group-retention": {"logRetentionDays": 7}, "all": "advisory"}],
)
def test_offline_findings_equal_the_sdk_analyzer(
    config: dict[str, Any] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_STACK", CAPTURE["stack"])
    resources = _mutated_capture()
    offline = evaluate(resources, ROOT / "policies", config)
    assert sorted((v["policy"], v["level"], v["urn"], v["message"]) for v in offline) == sorted(
        _oracle(resources, config)
    )
    policies = {v["policy"] for v in offline}
    assert {
        "lambda-function-arm64",
        "sns-topic-cmk-encryption",
        "resource-not-protected",
    } <= policies
    assert {"sqs-visibility-timeout-covers-consumer", "iam-no-wildcard-actions"} <= policies


def test_the_captured_stack_has_no_violations() -> None:
    assert evaluate(CAPTURE["resources"], ROOT / "policies", stack=CAPTURE["stack"]) == []


def test_violations_print_like_pulumi_preview(pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    found = evaluate([_resource("b", name="b")], pack_dir, {"owner-tag": "mandatory"}, stack="qa")
    assert format_violations(found, pack, "tests/pack").splitlines() == [
        "Policies:",
        "    ❌ test-pack@v1.2.3 (local: tests/pack)",
        "        - [mandatory]  owner-tag  (test:index:Thing: b)",
        "          Resources have an Owner tag.",
        "          no Owner tag",
        "        - [mandatory]  named  (test:index:Thing: b)",
        "          Names carry the prefix.",
        "          b lacks prefix 'app-' (float)",
        "        - [advisory]  stack-env",
        "          Stack env.",
        "          stack=qa",
    ]
    advisory = [v for v in found if v["level"] == "advisory"]
    assert format_violations(advisory, pack, "p").splitlines()[1].startswith("    ⚠️ ")
    assert format_violations([], pack, "p").splitlines()[1].startswith("    ✅ ")


@pytest.mark.parametrize("suffix", ["dev", "pr-42", "eu-west-1a"])
def test_the_real_pack_accepts_every_suffix_the_stack_accepts(suffix: str) -> None:
    # The stack's rule (stack/config.py): lowercase letters, digits, single inner hyphens.
    config = {"resource-name-environment-suffix": {"environmentSuffix": suffix}}
    settings = reconcile_config(load_pack(), config)
    assert settings["resource-name-environment-suffix"].properties["environmentSuffix"] == suffix


@pytest.mark.parametrize("suffix", ["PR-42", "pr_42", "-pr", "pr--42"])
def test_the_real_pack_refuses_suffixes_the_stack_refuses(suffix: str) -> None:
    config = {"resource-name-environment-suffix": {"environmentSuffix": suffix}}
    with pytest.raises(PolicyEngineError, match="environmentSuffix"):
        reconcile_config(load_pack(), config)
