"""The mocks answer like the AWS provider: checked against the pulumi_aws SDK's own list of
computed outputs, botocore's ARN parser and the URL formats AWS documents."""

import inspect
import re
import uuid

import pulumi
import pulumi_aws as aws
import pytest
from botocore.utils import ArnParser

from compliance.preview.datasources import answer
from compliance.preview.mocks import (
    ACCOUNT_ID,
    ProviderSettings,
    RealisticMocks,
    computed_outputs,
    known_outputs,
)
from compliance.preview.monitor import auto_name
from compliance.preview.schema import auto_name_property
from compliance.preview.wire import UNKNOWN

EAST = ProviderSettings(region="us-east-1", default_tags={"Owner": "payments"})

# Every type the stack uses, the SDK class, inputs the stack would give, and the SDK's
# computed-only outputs that legitimately stay absent for these inputs.
CONTRACT_TYPES = [
    ("aws:kms/key:Key", aws.kms.Key, {}, set()),
    ("aws:kms/alias:Alias", aws.kms.Alias, {"name": "alias/k", "targetKeyId": "kid"}, set()),
    ("aws:dynamodb/table:Table", aws.dynamodb.Table, {"name": "t"}, {"streamArn", "streamLabel"}),
    ("aws:sns/topic:Topic", aws.sns.Topic, {"name": "t"}, {"beginningArchiveTime"}),
    ("aws:sns/topicPolicy:TopicPolicy", aws.sns.TopicPolicy, {"arn": "arn:topic"}, set()),
    ("aws:sqs/queue:Queue", aws.sqs.Queue, {"name": "q"}, set()),
    ("aws:sqs/queuePolicy:QueuePolicy", aws.sqs.QueuePolicy, {"queueUrl": "https://q"}, set()),
    (
        "aws:ssm/parameter:Parameter",
        aws.ssm.Parameter,
        {"name": "/a/b", "value": "v"},
        {"value", "valueWo", "hasValueWo"},
    ),
    ("aws:iam/role:Role", aws.iam.Role, {"name": "r"}, set()),
    ("aws:iam/rolePolicy:RolePolicy", aws.iam.RolePolicy, {"name": "p", "role": "r"}, set()),
    ("aws:cloudwatch/logGroup:LogGroup", aws.cloudwatch.LogGroup, {"name": "/aws/lambda/f"}, set()),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", aws.cloudwatch.MetricAlarm, {"name": "a"}, set()),
    (
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        aws.cloudwatch.LogSubscriptionFilter,
        {"name": "f", "logGroup": "/aws/lambda/f", "filterPattern": "", "destinationArn": "d"},
        set(),
    ),
    (
        "aws:sns/topicSubscription:TopicSubscription",
        aws.sns.TopicSubscription,
        {"topic": "arn:aws:sns:us-east-1:123456789012:t"},
        {"confirmationWasAuthenticated", "ownerId"},
    ),
    (
        "aws:lambda/function:Function",
        aws.lambda_.Function,
        {"name": "f"},
        {"signingJobArn", "signingProfileVersionArn", "sourceCodeSize"},
    ),
    ("aws:lambda/functionUrl:FunctionUrl", aws.lambda_.FunctionUrl, {"functionName": "f"}, set()),
    ("aws:lambda/permission:Permission", aws.lambda_.Permission, {"statementId": "s"}, set()),
    (
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        aws.lambda_.EventSourceMapping,
        {"functionName": "f"},
        set(),
    ),
    (
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        aws.lambda_.FunctionEventInvokeConfig,
        {"functionName": "f"},
        set(),
    ),
]


def sdk_computed_outputs(cls) -> set[str]:
    """The outputs the SDK marks computed-only (set to None in `_internal_init`), camelCased."""
    names = re.findall(r'__props__.__dict__\["(\w+)"\] = None', inspect.getsource(cls))
    return {re.sub(r"_(\w)", lambda m: m.group(1).upper(), n) for n in names}


@pytest.mark.parametrize(("type_", "cls", "inputs", "absent"), CONTRACT_TYPES)
def test_every_contract_type_gets_the_outputs_the_provider_computes(type_, cls, inputs, absent):
    id_, outputs = computed_outputs(type_, "res", inputs, EAST)
    assert id_
    assert outputs["id"] == id_
    assert sdk_computed_outputs(cls) - absent <= outputs.keys()
    assert all(v is not None for v in outputs.values())
    for key, value in outputs.items():
        if key.endswith("Arn") or key == "arn":
            arn = ArnParser().parse_arn(value)
            assert arn["partition"] == "aws"
            # API Gateway invoke ARNs put "lambda" where the account usually is.
            if arn["service"] != "apigateway":
                assert arn["account"] == ACCOUNT_ID, f"{key}: {value}"


@pytest.mark.parametrize(
    ("type_", "inputs", "key", "expected"),
    [
        (
            "aws:sqs/queue:Queue",
            {"name": "q"},
            "url",
            f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT_ID}/q",
        ),
        ("aws:sqs/queue:Queue", {"name": "q"}, "arn", f"arn:aws:sqs:us-east-1:{ACCOUNT_ID}:q"),
        ("aws:sns/topic:Topic", {"name": "t"}, "arn", f"arn:aws:sns:us-east-1:{ACCOUNT_ID}:t"),
        (
            "aws:dynamodb/table:Table",
            {"name": "t"},
            "arn",
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ID}:table/t",
        ),
        (
            "aws:ssm/parameter:Parameter",
            {"name": "/p/dev/x"},
            "arn",
            f"arn:aws:ssm:us-east-1:{ACCOUNT_ID}:parameter/p/dev/x",
        ),
        ("aws:iam/role:Role", {"name": "r"}, "arn", f"arn:aws:iam::{ACCOUNT_ID}:role/r"),
        (
            "aws:iam/role:Role",
            {"name": "r", "path": "/svc/"},
            "arn",
            f"arn:aws:iam::{ACCOUNT_ID}:role/svc/r",
        ),
        (
            "aws:cloudwatch/logGroup:LogGroup",
            {"name": "/aws/lambda/f"},
            "arn",
            f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/aws/lambda/f",
        ),
        (
            "aws:lambda/function:Function",
            {"name": "f"},
            "invokeArn",
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:f/invocations",
        ),
        (
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            {"name": "webhook-dlq-alarm-dev"},
            "arn",
            f"arn:aws:cloudwatch:us-east-1:{ACCOUNT_ID}:alarm:webhook-dlq-alarm-dev",
        ),
        (
            "aws:kms/alias:Alias",
            {"name": "alias/k", "targetKeyId": "kid"},
            "targetKeyArn",
            f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/kid",
        ),
        (
            "aws:lambda/eventSourceMapping:EventSourceMapping",
            {"functionName": "arn:aws:lambda:us-east-1:1:function:f"},
            "functionArn",
            "arn:aws:lambda:us-east-1:1:function:f",
        ),
    ],
)
def test_identifiers_follow_the_aws_documented_formats(type_, inputs, key, expected):
    assert computed_outputs(type_, "res", inputs, EAST)[1][key] == expected


def test_kms_key_id_is_a_uuid_and_the_arn_names_it():
    id_, outputs = computed_outputs("aws:kms/key:Key", "k", {}, EAST)
    assert str(uuid.UUID(id_)) == id_ == outputs["keyId"]
    assert outputs["arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/{id_}"


def test_function_url_has_the_lambda_url_shape():
    _, outputs = computed_outputs(
        "aws:lambda/functionUrl:FunctionUrl", "u", {"functionName": "f"}, EAST
    )
    assert re.fullmatch(r"[a-z0-9]{32}", outputs["urlId"])
    assert outputs["functionUrl"] == f"https://{outputs['urlId']}.lambda-url.us-east-1.on.aws/"


def test_outputs_are_deterministic_and_distinct_per_resource():
    first = computed_outputs("aws:kms/key:Key", "a", {}, EAST)
    assert computed_outputs("aws:kms/key:Key", "a", {}, EAST) == first
    assert computed_outputs("aws:kms/key:Key", "b", {}, EAST) != first


def test_region_comes_from_the_resource_then_its_provider():
    west = ProviderSettings(region="us-west-2")
    assert (
        computed_outputs("aws:sqs/queue:Queue", "q", {"name": "q"}, west)[1]["region"]
        == "us-west-2"
    )
    _, outputs = computed_outputs(
        "aws:sqs/queue:Queue", "q", {"name": "q", "region": "eu-west-1"}, west
    )
    assert outputs["url"].startswith("https://sqs.eu-west-1.amazonaws.com/")
    assert "region" not in computed_outputs("aws:iam/role:Role", "r", {"name": "r"}, west)[1]


def test_tags_all_merges_provider_default_tags_on_taggable_types_only():
    _, outputs = computed_outputs(
        "aws:sqs/queue:Queue", "q", {"name": "q", "tags": {"Env": "dev"}}, EAST
    )
    assert outputs["tagsAll"] == {"Owner": "payments", "Env": "dev"}
    _, outputs = computed_outputs("aws:kms/alias:Alias", "a", {"name": "alias/a"}, EAST)
    assert "tagsAll" not in outputs


def test_other_aws_types_get_a_generic_arn_and_non_aws_types_only_an_id():
    _, outputs = computed_outputs("aws:s3/bucket:Bucket", "b", {}, EAST)
    assert outputs["arn"] == f"arn:aws:s3:us-east-1:{ACCOUNT_ID}:bucket/b"
    assert computed_outputs("random:index/randomId:RandomId", "r", {}, EAST) == ("r-id", {})


def test_auto_named_properties_come_from_the_sdk_args():
    assert auto_name_property("aws:sqs/queue:Queue") == "name"
    assert auto_name_property("aws:cloudwatch/metricAlarm:MetricAlarm") == "name"
    assert auto_name_property("aws:lambda/permission:Permission") == "statementId"
    assert auto_name_property("aws:s3/bucket:Bucket") == "bucket"
    assert auto_name_property("aws:kms/key:Key") is None  # no name argument
    assert auto_name_property("aws:route53/record:Record") is None  # name is required


def test_auto_names_are_the_name_a_dash_and_seven_hex_characters_stable_per_urn():
    name = auto_name("urn:pulumi:dev::p::aws:sqs/queue:Queue::q", "q")
    assert re.fullmatch(r"q-[0-9a-f]{7}", name)
    assert name == auto_name("urn:pulumi:dev::p::aws:sqs/queue:Queue::q", "q")
    assert name != auto_name("urn:pulumi:prod::p::aws:sqs/queue:Queue::q", "q")


def test_outputs_built_from_an_unknown_input_stay_unknown():
    id_, outputs = known_outputs(
        *computed_outputs("aws:sns/topic:Topic", "t", {"name": UNKNOWN}, EAST)
    )
    assert id_ == ""
    assert "arn" not in outputs
    assert not any("Unknown" in str(v) for v in outputs.values())


def test_provider_settings_read_default_tags_from_the_provider_json():
    settings = ProviderSettings.from_inputs(
        {"region": "eu-west-1", "defaultTags": '{"tags": {"Owner": "o"}}'}, "us-east-1"
    )
    assert settings == ProviderSettings(region="eu-west-1", default_tags={"Owner": "o"})
    assert ProviderSettings.from_inputs({}, "us-east-2") == ProviderSettings(region="us-east-2")


def test_calls_answer_like_the_provider():
    identity = answer("aws:index/getCallerIdentity:getCallerIdentity", {}, "us-east-1")
    assert identity is not None
    assert identity.kind == "exact"
    assert ArnParser().parse_arn(identity.result["arn"])["account"] == ACCOUNT_ID
    region = answer("aws:index/getRegion:getRegion", {}, "eu-west-1")
    assert region is not None
    assert region.result["region"] == region.result["name"] == "eu-west-1"
    assert region.result["description"] == "Europe (Ireland)"
    zones = answer("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "us-east-1")
    assert zones is not None
    assert zones.result["names"][:2] == ["us-east-1a", "us-east-1b"]


def test_lookups_are_placeholders_marked_as_such():
    ami = answer("aws:ec2/getAmi:getAmi", {"mostRecent": True}, "us-east-1")
    assert ami is not None
    assert ami.kind == "placeholder"
    assert "placeholder" in ami.result["id"]
    subnets = answer("aws:ec2/getSubnets:getSubnets", {}, "us-east-1")
    assert subnets is not None
    assert len(subnets.result["ids"]) == 3


def test_any_other_aws_function_is_answered_from_its_sdk_result_class():
    key = answer("aws:kms/getKey:getKey", {"keyId": "alias/app"}, "us-east-1")
    assert key is not None
    assert key.kind == "generic"
    getters = {
        p.fget._pulumi_name for p in vars(aws.kms.GetKeyResult).values() if isinstance(p, property)
    }
    assert getters <= set(key.result)
    assert key.result["keyId"] == "alias/app"
    assert key.result["arn"].startswith("arn:aws:kms:us-east-1:")
    assert "placeholder" in key.result["arn"]
    assert answer("random:index/getThing:getThing", {}, "us-east-1") is None


def resource_args(**inputs):
    return pulumi.runtime.MockResourceArgs(typ="aws:sqs/queue:Queue", name="q", inputs=inputs)


def test_mocks_echo_inputs_and_add_outputs_or_leave_them_unknown():
    id_, state = RealisticMocks().new_resource(resource_args(delaySeconds=5))
    assert id_ == state["url"]
    assert state["delaySeconds"] == 5
    id_, state = RealisticMocks(unknowns=True).new_resource(resource_args(delaySeconds=5))
    assert id_ == ""
    assert state == {"delaySeconds": 5}
