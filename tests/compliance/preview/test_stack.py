"""The offline preview of the real stack (repository root, dev config), in both modes."""

from collections import Counter
from pathlib import Path

import pytest

from compliance.preview import ProgramError, run_preview

REPO = Path(__file__).resolve().parents[3]

# One provider and these custom resources (see docs/architecture.md).
CUSTOM_COUNTS = {
    "pulumi:providers:aws": 1,
    "aws:kms/key:Key": 1,
    "aws:kms/alias:Alias": 1,
    "aws:dynamodb/table:Table": 1,
    "aws:sns/topic:Topic": 2,
    "aws:sns/topicPolicy:TopicPolicy": 2,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 9,
    "aws:cloudwatch/dashboard:Dashboard": 1,
    "aws:sqs/queue:Queue": 2,
    "aws:sqs/queuePolicy:QueuePolicy": 2,
    "aws:ssm/parameter:Parameter": 7,
    "aws:iam/role:Role": 2,
    "aws:iam/rolePolicy:RolePolicy": 2,
    "aws:cloudwatch/logGroup:LogGroup": 2,
    "aws:lambda/function:Function": 2,
    "aws:lambda/functionUrl:FunctionUrl": 1,
    "aws:lambda/permission:Permission": 2,
    "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 2,
}


@pytest.fixture(scope="module", params=[False, True], ids=["known", "unknowns"])
def preview(request):
    return run_preview(REPO, "dev", unknowns=request.param)


def test_the_stack_registers_every_contract_resource(preview):
    assert Counter(r.type for r in preview.resources if r.custom) == CUSTOM_COUNTS
    components = [r for r in preview.resources if not r.custom]
    assert [r.type for r in components if r.parent is None] == ["pulumi:pulumi:Stack"]
    assert all(r.type.startswith("payment-webhooks:") for r in components if r.parent)


def test_no_resource_is_missing_its_provider(preview):
    (provider,) = preview.of_type("pulumi:providers:aws")
    assert provider.inputs["region"] == "us-east-1"
    missing = [
        r.urn
        for r in preview.resources
        if r.custom and r is not provider and r.provider != provider.urn
    ]
    assert missing == []


def test_nothing_is_protected_or_retained_and_parameter_values_are_secrets(preview):
    for r in preview.resources:
        assert not r.options.protect, r.urn
        assert not r.options.retain_on_delete, r.urn
    parameters = preview.of_type("aws:ssm/parameter:Parameter")
    assert all(p.secret_inputs == ("value",) for p in parameters)
    assert all(p.inputs["value"].startswith("UNSET:") for p in parameters)


def test_invalid_config_stops_the_stack_with_its_own_message():
    with pytest.raises(ProgramError) as caught:
        run_preview(REPO, "dev", {"kmsDeletionWindowDays": "3"})
    assert "kmsDeletionWindowDays" in str(caught.value)
    assert "Traceback" not in str(caught.value)
