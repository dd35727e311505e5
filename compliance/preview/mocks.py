"""Mocks that answer like the AWS provider: concrete ARNs, ids, queue and function URLs.

Documents built from computed outputs (redrive, IAM and key policies) are then readable in the
capture, as in a `pulumi preview` of an existing stack. With `unknowns=True` every computed
output stays unknown, as in the first preview of a new stack. The output functions are pure.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.output import Unknown

from compliance.preview.datasources import ACCOUNT_ID, PARTITION, answer
from compliance.preview.wire import UNKNOWN, is_secret, plain, provider_urn

DEFAULT_REGION = "us-east-1"
# A fixed instant for creation/modification timestamps, so two runs give identical captures.
TIMESTAMP = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class ProviderSettings:
    """What a resource inherits from its AWS provider: the region and the default tags."""

    region: str = DEFAULT_REGION
    default_tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any], default_region: str) -> ProviderSettings:
        """Read a `pulumi:providers:aws` resource's (plain) inputs; defaultTags is JSON."""
        raw_tags = inputs.get("defaultTags")
        tags = json.loads(raw_tags).get("tags") or {} if isinstance(raw_tags, str) else {}
        return cls(region=inputs.get("region") or default_region, default_tags=tags)


@dataclass(frozen=True)
class _Subject:
    """The resource an output function describes."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    region: str

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{PARTITION}:{service}:{region}:{ACCOUNT_ID}:{resource}"

    def digest(self, salt: str = "") -> bytes:
        return hashlib.sha256(f"{self.type}::{self.name}::{salt}".encode()).digest()

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.digest()[:16], version=4))

    def token(self, length: int, *, upper: bool = False) -> str:
        text = base64.b32encode(self.digest("token")).decode().rstrip("=")[:length]
        return text if upper else text.lower()

    def function_arn(self, reference: str) -> str:
        """`functionName` inputs accept a name or an ARN."""
        if reference.startswith("arn:"):
            return reference
        return self.arn("lambda", f"function:{reference}")


_Outputs = tuple[str, dict[str, Any]]


def _kms_key(r: _Subject) -> _Outputs:
    key_id = r.uuid()
    return key_id, {"keyId": key_id, "arn": r.arn("kms", f"key/{key_id}")}


def _kms_alias(r: _Subject) -> _Outputs:
    name, target = r.inputs.get("name", r.name), r.inputs.get("targetKeyId", "")
    target_arn = target if target.startswith("arn:") else r.arn("kms", f"key/{target}")
    return name, {"arn": r.arn("kms", name), "targetKeyArn": target_arn}


def _dynamodb_table(r: _Subject) -> _Outputs:
    name = r.inputs.get("name", r.name)
    arn = r.arn("dynamodb", f"table/{name}")
    outputs: dict[str, Any] = {"arn": arn}
    if r.inputs.get("streamEnabled"):
        label = TIMESTAMP.removesuffix("Z") + ".000"
        outputs |= {"streamLabel": label, "streamArn": f"{arn}/stream/{label}"}
    return name, outputs


def _sns_topic(r: _Subject) -> _Outputs:
    arn = r.arn("sns", r.inputs.get("name", r.name))
    return arn, {"arn": arn, "owner": ACCOUNT_ID}


def _sns_topic_policy(r: _Subject) -> _Outputs:
    return r.inputs.get("arn", r.name), {"owner": ACCOUNT_ID}


def _sqs_queue(r: _Subject) -> _Outputs:
    name = r.inputs.get("name", r.name)
    url = f"https://sqs.{r.region}.amazonaws.com/{ACCOUNT_ID}/{name}"
    return url, {"url": url, "arn": r.arn("sqs", name)}


def _sqs_queue_policy(r: _Subject) -> _Outputs:
    return r.inputs.get("queueUrl", r.name), {}


def _ssm_parameter(r: _Subject) -> _Outputs:
    name = r.inputs.get("name", r.name)
    return name, {"arn": r.arn("ssm", f"parameter/{name.removeprefix('/')}"), "version": 1}


def _iam_role(r: _Subject) -> _Outputs:
    name, path = r.inputs.get("name", r.name), r.inputs.get("path") or "/"
    return name, {
        "arn": r.arn("iam", f"role{path}{name}", regional=False),
        "uniqueId": "AROA" + r.token(17, upper=True),
        "createDate": TIMESTAMP,
    }


def _iam_role_policy(r: _Subject) -> _Outputs:
    return f"{r.inputs.get('role', '')}:{r.inputs['name']}", {}


def _log_group(r: _Subject) -> _Outputs:
    name = r.inputs.get("name", r.name)
    return name, {"arn": r.arn("logs", f"log-group:{name}")}


def _metric_alarm(r: _Subject) -> _Outputs:
    name = r.inputs.get("name", r.name)
    return name, {"arn": r.arn("cloudwatch", f"alarm:{name}")}


def _sns_topic_subscription(r: _Subject) -> _Outputs:
    arn = f"{r.inputs.get('topic', '')}:{r.uuid()}"
    return arn, {"arn": arn, "pendingConfirmation": True}


def _lambda_function(r: _Subject) -> _Outputs:
    name = r.inputs.get("name", r.name)
    arn = r.function_arn(name)
    invoke = f"arn:{PARTITION}:apigateway:{r.region}:lambda:path/2015-03-31/functions"
    return name, {
        "arn": arn,
        "qualifiedArn": f"{arn}:$LATEST",
        "invokeArn": f"{invoke}/{arn}/invocations",
        "qualifiedInvokeArn": f"{invoke}/{arn}:$LATEST/invocations",
        "responseStreamingInvokeArn": f"arn:{PARTITION}:apigateway:{r.region}:lambda:path"
        f"/2021-11-15/functions/{arn}/response-streaming-invocations",
        "version": "$LATEST",
        "lastModified": TIMESTAMP,
    }


def _lambda_function_url(r: _Subject) -> _Outputs:
    function, url_id = r.inputs.get("functionName", r.name), r.token(32)
    return function, {
        "functionArn": r.function_arn(function),
        "urlId": url_id,
        "functionUrl": f"https://{url_id}.lambda-url.{r.region}.on.aws/",
    }


def _lambda_permission(r: _Subject) -> _Outputs:
    return r.inputs["statementId"], {}


def _event_source_mapping(r: _Subject) -> _Outputs:
    mapping_id = r.uuid()
    return mapping_id, {
        "uuid": mapping_id,
        "arn": r.arn("lambda", f"event-source-mapping:{mapping_id}"),
        "functionArn": r.function_arn(r.inputs.get("functionName", "")),
        "state": "Enabled",
        "stateTransitionReason": "USER_INITIATED",
        "lastModified": TIMESTAMP,
        "lastProcessingResult": "No records processed",
    }


def _event_invoke_config(r: _Subject) -> _Outputs:
    function, qualifier = r.inputs.get("functionName", r.name), r.inputs.get("qualifier")
    return f"{function}:{qualifier}" if qualifier else function, {}


def _provider(r: _Subject) -> _Outputs:
    return r.uuid(), {}


def _generic(r: _Subject) -> _Outputs:
    """Any other AWS type: an ARN of the usual shape, the name as id."""
    module, _, kind = r.type.split(":")[1].partition("/")
    name = r.inputs.get("name", r.name)
    return name, {"arn": r.arn(module, f"{kind.lower()}/{name}")}


_COMPUTED: dict[str, Callable[[_Subject], _Outputs]] = {
    "pulumi:providers:aws": _provider,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:dynamodb/table:Table": _dynamodb_table,
    "aws:sns/topic:Topic": _sns_topic,
    "aws:sns/topicPolicy:TopicPolicy": _sns_topic_policy,
    "aws:sqs/queue:Queue": _sqs_queue,
    "aws:sqs/queuePolicy:QueuePolicy": _sqs_queue_policy,
    "aws:ssm/parameter:Parameter": _ssm_parameter,
    "aws:iam/role:Role": _iam_role,
    "aws:iam/rolePolicy:RolePolicy": _iam_role_policy,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:sns/topicSubscription:TopicSubscription": _sns_topic_subscription,
    "aws:lambda/function:Function": _lambda_function,
    "aws:lambda/functionUrl:FunctionUrl": _lambda_function_url,
    "aws:lambda/permission:Permission": _lambda_permission,
    "aws:lambda/eventSourceMapping:EventSourceMapping": _event_source_mapping,
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": _event_invoke_config,
}

# Types with `tags`, whose provider returns `tagsAll` (its default tags merged with them).
_TAGGABLE = frozenset(
    {
        "aws:kms/key:Key",
        "aws:dynamodb/table:Table",
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
        "aws:ssm/parameter:Parameter",
        "aws:iam/role:Role",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:lambda/function:Function",
        "aws:lambda/eventSourceMapping:EventSourceMapping",
    }
)


def computed_outputs(
    type_: str, name: str, inputs: Mapping[str, Any], provider: ProviderSettings
) -> _Outputs:
    """The id and the outputs the provider computes for a resource with these (plain) inputs."""
    if not type_.startswith(("aws:", "pulumi:providers:aws")):
        return f"{name}-id", {}
    region = inputs.get("region") or provider.region
    subject = _Subject(type=type_, name=name, inputs=inputs, region=region)
    id_, outputs = _COMPUTED.get(type_, _generic)(subject)
    if type_.startswith("aws:"):
        if not type_.startswith("aws:iam/"):
            outputs["region"] = region
        if type_ in _TAGGABLE or (type_ not in _COMPUTED and "tags" in inputs):
            outputs["tagsAll"] = {**provider.default_tags, **(inputs.get("tags") or {})}
    return id_, {**outputs, "id": id_}


def _marked(value: Any) -> Any:
    """SDK-deserialised inputs as plain data, each unknown as the wire's unknown sentinel."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if is_secret(value):
        return _marked(value.get("value"))
    if isinstance(value, dict):
        return {k: _marked(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [_marked(v) for v in value]
    return value


def _mentions_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return UNKNOWN in value
    if isinstance(value, dict):
        return any(_mentions_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_mentions_unknown(v) for v in value)
    return False


def known_outputs(id_: str, outputs: Mapping[str, Any]) -> _Outputs:
    """An id or output built from an unknown input is itself unknown: left out (the id empty),
    never written with the unknown inside it."""
    return ("" if _mentions_unknown(id_) else id_), {
        k: v for k, v in outputs.items() if not _mentions_unknown(v)
    }


@dataclass(frozen=True)
class Call:
    """One function call the program made and the answer it got."""

    token: str
    args: dict[str, Any]
    result: dict[str, Any]
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token, "args": self.args, "answer": self.kind, "result": self.result}


class UnansweredCallError(Exception):
    """A function the offline preview cannot answer (not the AWS provider's)."""


class RealisticMocks(pulumi.runtime.Mocks):
    """`pulumi.runtime.Mocks` backed by the functions above.

    `providers` maps provider URNs to their settings; the capture monitor fills it as providers
    register, so each resource gets its own provider's region and default tags.
    """

    def __init__(self, *, unknowns: bool = False, default_region: str = DEFAULT_REGION) -> None:
        self.unknowns = unknowns
        self.default_region = default_region
        self.providers: dict[str, ProviderSettings] = {}
        self.calls: list[Call] = []

    def provider(self, reference: str | None) -> ProviderSettings:
        urn = provider_urn(reference or "")
        return self.providers.get(urn or "", ProviderSettings(region=self.default_region))

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if self.unknowns:
            # An empty id and no computed outputs: the SDK resolves both as unknown in preview.
            return "", dict(args.inputs)
        id_, outputs = known_outputs(
            *computed_outputs(
                args.typ, args.name, _marked(args.inputs), self.provider(args.provider)
            )
        )
        return id_, {**args.inputs, **outputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        arguments = plain(_marked(args.args))
        region = self.provider(args.provider).region
        found = answer(args.token, arguments, region)
        if found is None:
            msg = (
                f"the offline preview cannot answer {args.token!r}: it is not a function of the "
                "AWS provider (pulumi_aws)"
            )
            raise UnansweredCallError(msg)
        self.calls.append(Call(args.token, arguments, found.result, found.kind))
        return found.result, []
