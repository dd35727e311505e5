"""The offline preview on fixture programs: every field of the capture, options, secrets,
both unknown modes, sorting, determinism in one process, and failures."""

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime.settings import SETTINGS, get_root_resource

from compliance.preview import PreviewError, ProgramError, run_preview
from compliance.preview.runner import program_message

PROGRAMS = Path(__file__).parent / "programs"
FULL = PROGRAMS / "full"
MINIMAL = PROGRAMS / "minimal"
REPO = Path(__file__).resolve().parents[3]
# The engine's own directory: the fixture programs live under tests/compliance/preview/, so a bare
# "compliance/preview" would match their frames too.
ENGINE_DIR = f"{REPO / 'compliance' / 'preview'}{os.sep}"
URN = "urn:pulumi:dev::preview-fixture::"
STACK_URN = f"{URN}pulumi:pulumi:Stack::preview-fixture-dev"
PROVIDER_URN = f"{URN}pulumi:providers:aws::aws-us-east-1"
MINIMAL_URN = "urn:pulumi:dev::preview-minimal::"
RESOURCE_KEYS = [
    "urn",
    "type",
    "name",
    "parent",
    "provider",
    "custom",
    "inputs",
    "secretInputs",
    "propertyDependencies",
    "outputs",
    "options",
]
OPTION_KEYS = ["protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "dependsOn"]


@pytest.fixture(scope="module")
def known():
    return run_preview(FULL, "dev")


@pytest.fixture(scope="module")
def unknown():
    return run_preview(FULL, "dev", unknowns=True)


def res(preview, name):
    (found,) = [r for r in preview.resources if r.name == name]
    return found


def test_json_has_exactly_the_issue_format(known):
    data = json.loads(known.to_json())
    assert list(data) == ["program", "stack", "resources", "dataSources", "violations"]
    assert data["stack"] == "dev"
    assert Path(data["program"]).resolve() == FULL.resolve()
    assert data["violations"] == []
    for resource in data["resources"]:
        assert list(resource) == RESOURCE_KEYS, resource["urn"]
        assert list(resource["options"]) == OPTION_KEYS, resource["urn"]


def test_resources_are_sorted_by_urn_and_urns_are_the_engines(known):
    urns = [r.urn for r in known.resources]
    assert urns == sorted(urns)
    assert len(set(urns)) == len(urns)
    assert STACK_URN in urns
    assert not [u for u in urns if "pulumi:pulumi:Stack$" in u]
    # Nested resources carry their ancestors' types, as real URNs do.
    assert f"{URN}fixture:app:Pipeline$aws:sqs/queue:Queue::pipeline-dev-queue" in urns


def test_every_registered_resource_is_captured_once(known):
    assert known.counts_by_type() == {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:iam/role:Role": 1,
        "aws:kms/alias:Alias": 1,
        "aws:kms/key:Key": 1,
        "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
        "aws:lambda/function:Function": 1,
        "aws:lambda/functionUrl:FunctionUrl": 1,
        "aws:sqs/queue:Queue": 2,
        "aws:sqs/queuePolicy:QueuePolicy": 1,
        "aws:ssm/parameter:Parameter": 1,
        "fixture:app:Pipeline": 1,
        "pulumi:providers:aws": 1,
        "pulumi:pulumi:Stack": 1,
    }


def test_parents_providers_and_custom_flags(known):
    stack = known.by_urn(STACK_URN)
    assert (stack.parent, stack.provider, stack.custom) == (None, None, False)
    pipeline = res(known, "pipeline-dev")
    assert (pipeline.parent, pipeline.provider, pipeline.custom) == (STACK_URN, None, False)
    queue = res(known, "pipeline-dev-queue")
    assert queue.parent == pipeline.urn
    provider = known.by_urn(PROVIDER_URN)
    assert (provider.custom, provider.provider) == (True, None)
    assert provider.inputs["region"] == "us-east-1"
    for r in known.resources:
        if r.custom and r.type != "pulumi:providers:aws":
            assert r.provider == PROVIDER_URN, r.urn


def test_inputs_are_camel_case_wire_inputs_with_outputs_resolved(known):
    fn = res(known, "fn-dev")
    role = res(known, "role-dev")
    key = res(known, "key-dev")
    assert fn.inputs["role"] == role.outputs["arn"]
    assert fn.inputs["kmsKeyArn"] == key.outputs["arn"]
    assert fn.inputs["memorySize"] == 1024
    assert fn.inputs["architectures"] == ["arm64"]
    assert (
        fn.inputs["environment"]["variables"]["QUEUE_URL"]
        == res(known, "pipeline-dev-queue").outputs["url"]
    )
    assert fn.inputs["environment"]["variables"]["REGION"] == "us-east-1"
    assert fn.property_dependencies["role"] == (role.urn,)
    assert fn.property_dependencies["kmsKeyArn"] == (key.urn,)
    assert fn.property_dependencies["runtime"] == ()


def test_documents_built_from_computed_outputs_are_readable(known):
    queue, dlq = res(known, "pipeline-dev-queue"), res(known, "pipeline-dev-dlq")
    redrive = json.loads(queue.inputs["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": dlq.outputs["arn"], "maxReceiveCount": 6}
    policy = json.loads(res(known, "pipeline-dev-queue-policy").inputs["policy"])
    assert policy["Statement"][0]["Resource"] == queue.outputs["arn"]
    key_policy = json.loads(res(known, "key-dev").inputs["policy"])
    assert key_policy["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::123456789012:root"


def test_options_come_from_the_request(known):
    options = {r.name: r.options.to_dict() for r in known.resources}
    assert options["key-dev"]["protect"] is True
    assert options["role-dev"]["retainOnDelete"] is True
    assert options["fn-dev"]["deleteBeforeReplace"] is True
    assert options["fn-dev"]["dependsOn"] == [res(known, "log-group-dev").urn]
    assert options["api-token-dev"]["ignoreChanges"] == ["value"]
    # depends_on=[key] duplicates target_key_id's dependency: indistinguishable on the wire.
    assert options["alias-dev"]["dependsOn"] == []
    untouched = {"protect": False, "retainOnDelete": False, "deleteBeforeReplace": False}
    for name in ("log-group-dev", "pipeline-dev-queue", "fn-url-dev"):
        assert {k: options[name][k] for k in untouched} == untouched
        assert options[name]["ignoreChanges"] == options[name]["dependsOn"] == []


def test_secrets_are_unwrapped_and_listed(known):
    parameter = res(known, "api-token-dev")
    assert parameter.secret_inputs == ("value",)
    assert parameter.inputs["value"] == "UNSET:apiToken"
    assert not [r.urn for r in known.resources if r.secret_inputs and r is not parameter]


def test_secure_config_is_absent_and_said_so(known):
    assert known.absent_secure_config == ("preview-fixture:apiToken",)
    assert "preview-fixture:apiToken" in known.summary()


def test_config_overrides_reach_the_program_and_keep_secrets_secret():
    preview = run_preview(FULL, "dev", {"apiToken": "tok-123", "suffix": "pr7"})
    parameter = res(preview, "api-token-pr7")
    assert parameter.inputs["value"] == "tok-123"
    assert parameter.secret_inputs == ("value",)
    assert preview.absent_secure_config == ()
    assert res(preview, "fn-pr7").inputs["name"] == "fn-pr7"


def test_components_and_the_stack_keep_the_outputs_they_register(known):
    queue_url = res(known, "pipeline-dev-queue").outputs["url"]
    assert res(known, "pipeline-dev").outputs == {"queueUrl": queue_url}
    assert known.by_urn(STACK_URN).outputs == {
        "apiToken": "UNSET:apiToken",
        "functionUrl": res(known, "fn-url-dev").outputs["functionUrl"],
        "queueUrl": queue_url,
    }


def test_known_mode_leaves_nothing_unknown(known):
    for r in known.resources:
        assert "null" not in json.dumps(r.inputs), r.urn


def test_unknowns_mode_leaves_computed_outputs_unknown(unknown):
    fn = res(unknown, "fn-dev")
    assert fn.inputs["role"] is None
    assert fn.inputs["kmsKeyArn"] is None
    assert fn.wire_inputs["role"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert fn.inputs["memorySize"] == 1024
    assert res(unknown, "pipeline-dev-queue").inputs["redrivePolicy"] is None
    assert "arn" not in fn.outputs
    assert unknown.by_urn(STACK_URN).outputs["functionUrl"] is None
    # Dependencies, providers and options do not depend on values being known.
    assert fn.property_dependencies["role"] == (res(unknown, "role-dev").urn,)
    assert fn.provider == PROVIDER_URN
    assert fn.options.depends_on == (res(unknown, "log-group-dev").urn,)
    assert "unknown" in unknown.summary()


def test_two_runs_in_one_process_give_the_same_capture(known):
    cwd, path = os.getcwd(), list(sys.path)
    again = run_preview(FULL, "dev")
    assert again.to_json() == known.to_json()
    assert again.resources == known.resources
    assert (os.getcwd(), sys.path) == (cwd, path)
    assert "fixture_parts" not in sys.modules


def test_a_program_error_is_the_programs_message():
    with pytest.raises(ProgramError) as caught:
        run_preview(FULL, "dev", {"suffix": "Bad_Suffix"})
    message = str(caught.value)
    assert "ValueError: suffix 'Bad_Suffix': use 1-12 lowercase letters" in message
    assert re.search(r"__main__\.py:\d+: ValueError", message)
    assert "Traceback" not in message
    assert ENGINE_DIR not in message
    assert "site-packages" not in message


def test_missing_config_is_reported_without_a_traceback():
    with pytest.raises(ProgramError) as caught:
        run_preview(FULL, "prod")
    assert str(caught.value).startswith(
        "Missing required configuration variable 'preview-fixture:suffix'"
    )


def test_an_unmocked_call_and_a_logged_error_fail_the_run():
    with pytest.raises(ProgramError, match="cannot answer 'example:index/getThing:getThing'"):
        run_preview(MINIMAL, "dev", {"callUnmocked": "true"})
    answered = run_preview(MINIMAL, "dev", {"callAws": "true"}).data_sources
    assert [(c.token, c.kind) for c in answered] == [("aws:ec2/getAmi:getAmi", "placeholder")]
    with pytest.raises(ProgramError, match="an error logged without raising"):
        run_preview(MINIMAL, "dev", {"logError": "true"})


def test_warnings_are_kept():
    preview = run_preview(MINIMAL)
    assert [(d.severity, d.message) for d in preview.diagnostics] == [
        ("warning", "minimal fixture: no explicit provider")
    ]


@pytest.mark.parametrize("unknowns", [False, True], ids=["known", "unknowns"])
def test_a_resource_without_a_provider_gets_the_default_one_from_aws_config(unknowns):
    config = {"aws:region": "eu-west-1", "aws:profile": "payments"}
    preview = run_preview(MINIMAL, "dev", config, unknowns=unknowns)
    version = importlib.metadata.version("pulumi_aws")
    default = f"{MINIMAL_URN}pulumi:providers:aws::default_{version.replace('.', '_')}"
    (provider,) = preview.of_type("pulumi:providers:aws")
    assert (provider.urn, provider.custom, provider.parent, provider.provider) == (
        default,
        True,
        None,
        None,
    )
    assert provider.inputs == {"profile": "payments", "region": "eu-west-1", "version": version}
    bucket = res(preview, "bucket")
    assert bucket.provider == default
    if not unknowns:
        assert bucket.outputs["region"] == "eu-west-1"


def test_a_directory_without_a_project_is_a_preview_error(tmp_path):
    with pytest.raises(PreviewError, match=r"no Pulumi\.yaml"):
        run_preview(tmp_path)


def cli(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "compliance", "preview", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_writes_the_json_and_prints_the_summary(tmp_path, known):
    out = tmp_path / "preview.json"
    result = cli("--program", str(FULL), "--json", str(out), cwd=tmp_path)
    # The fixture program is not PCI-compliant: the pack's mandatory findings make it exit 1.
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert "aws:sqs/queue:Queue" in result.stdout
    assert "+ 14 to create" in result.stdout
    assert "Policies:" in result.stdout
    written = json.loads(out.read_text())
    expected = json.loads(known.to_json())
    assert written["resources"] == expected["resources"]
    urns = {r["urn"] for r in written["resources"]}
    assert written["violations"]
    for violation in written["violations"]:
        assert set(violation) == {"policy", "level", "urn", "resourceType", "message"}
        assert violation["urn"] in urns
        assert f"[{violation['level']}]  {violation['policy']}" in result.stdout


def test_cli_exits_2_with_the_programs_error(tmp_path):
    result = cli("--program", str(FULL), "--config", "suffix=Bad_Suffix")
    assert result.returncode == 2
    assert "ValueError: suffix 'Bad_Suffix'" in result.stderr
    assert ENGINE_DIR not in result.stderr
    assert result.stdout == ""


def test_a_callers_own_mocks_survive_a_preview():
    class Echo(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return f"{args.name}-id", args.inputs

        def call(self, args):
            return {}, []

    pulumi.runtime.set_mocks(Echo(), project="caller", stack="test", preview=False)
    root, monitor = get_root_resource(), SETTINGS.monitor
    run_preview(MINIMAL)
    assert get_root_resource() is root
    assert SETTINGS.monitor is monitor
    assert (SETTINGS.project, SETTINGS.stack, SETTINGS.dry_run) == ("caller", "test", False)


def test_the_engines_own_frames_never_show_even_when_it_lives_in_the_program_dir():
    with pytest.raises(ProgramError) as caught:
        run_preview(FULL, "dev", {"suffix": "Bad_Suffix"})
    message = program_message(caught.value.__cause__, REPO)
    assert re.search(r"__main__\.py:\d+: ValueError", message)
    assert "Traceback" not in message
    assert ENGINE_DIR not in message


def test_inputs_built_from_placeholder_answers_are_listed():
    preview = run_preview(PROGRAMS / "data-sources")
    by_name = {r.name: r for r in preview.resources}
    assert by_name["web"].placeholder_inputs == ("ami", "subnetId")
    assert by_name["sg"].placeholder_inputs == ("description", "vpcId")
    assert by_name["www"].placeholder_inputs == ("zoneId",)
    written = {
        r["name"]: r.get("placeholderInputs") for r in json.loads(preview.to_json())["resources"]
    }
    assert written["www"] == ["zoneId"]
    assert all(not r.placeholder_inputs for r in run_preview(FULL, "dev").resources)
