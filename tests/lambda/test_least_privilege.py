"""Least privilege, proven: each function's whole path runs under exactly its stack policy.

The policy documents come from stack/iam.py (what the stack deploys). Each is put on a role in
moto, the test assumes the role and, with moto's IAM authentication on (plus the resource and
action fixes in moto_iam.py), runs the function's path. Beside the API calls the code makes,
AWS performs some with the caller's permissions that moto does not; ``AwsSide`` performs them
so they are checked too: the KMS calls behind SecureString reads and encrypted queues and
topics, and the Lambda runtime's log and trace writes.

One moto platform serves the whole module (building it is most of a test's cost); each test
gets empty queues and an empty table, a role of its own and a fresh session, so no test sees
another's messages, records, credentials or cached clients.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import disable_iam_authentication, enable_iam_authentication

from stack import iam
from webhook_processor import clients, receiver
from webhook_processor.processor import PUBLISHED

from . import provider_events as events
from .conftest import PARAMETERS, REGION, Platform, mocked_platform
from .moto_iam import patch_moto_iam

ACCOUNT = "123456789012"
DENIED = "is not authorized to perform: "


@dataclass
class AwsSide:
    """Records every denial and performs the calls AWS makes with the caller's credentials."""

    key_arn: str
    blob: bytes
    denials: list[str] = field(default_factory=list)
    streams: set[str] = field(default_factory=set)
    # A stream of its own: the log groups outlive the test, and creating an existing stream
    # fails before PutLogEvents could be checked.
    stream: str = field(default_factory=lambda: f"2026/11/27/[$LATEST]{uuid.uuid4().hex}")
    clients: dict[str, Any] = field(default_factory=dict)

    def install(self, session: boto3.Session) -> None:
        events_ = session.events
        events_.register("after-call", self._record)
        events_.register("after-call.ssm.GetParameter", self._decrypt)  # SecureString
        events_.register("after-call.sqs.SendMessage", self._generate)  # SSE-KMS queues
        events_.register("after-call.sqs.ReceiveMessage", self._decrypt_messages)
        events_.register("after-call.sns.PublishBatch", self._generate)  # SSE-KMS topic

    def _record(self, parsed: dict[str, Any], **_: Any) -> None:
        message = parsed.get("Error", {}).get("Message", "")
        if DENIED in message:
            self.denials.append(message)

    @staticmethod
    def _ok(parsed: dict[str, Any]) -> bool:
        return "Error" not in parsed

    def _client(self, service: str) -> Any:
        """A client of the role's session (one per service: a side lives for one session)."""
        if service not in self.clients:
            self.clients[service] = boto3.client(service, region_name=REGION)
        return self.clients[service]

    def _generate(self, parsed: dict[str, Any], **_: Any) -> None:
        if self._ok(parsed):
            self._client("kms").generate_data_key(KeyId=self.key_arn, KeySpec="AES_256")

    def _decrypt(self, parsed: dict[str, Any], **_: Any) -> None:
        if self._ok(parsed):
            self._client("kms").decrypt(KeyId=self.key_arn, CiphertextBlob=self.blob)

    def _decrypt_messages(self, parsed: dict[str, Any], **kwargs: Any) -> None:
        if parsed.get("Messages"):
            self._decrypt(parsed, **kwargs)

    def runtime(self, function: str) -> None:
        """What the Lambda runtime and X-Ray daemon write after an invocation, as the role."""
        group = f"/aws/lambda/{function}"
        logs, xray = self._client("logs"), self._client("xray")
        try:
            if group not in self.streams:
                logs.create_log_stream(logGroupName=group, logStreamName=self.stream)
                self.streams.add(group)
            logs.put_log_events(
                logGroupName=group,
                logStreamName=self.stream,
                logEvents=[{"timestamp": int(time.time() * 1000), "message": "{}"}],
            )
            segment = {
                "name": function,
                "id": "70de5b6f19ff9a0a",
                "start_time": time.time(),
                "end_time": time.time(),
                "trace_id": "1-674661c0-0a1b2c3d4e5f60718293a4b5",
            }
            xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(segment)])
            xray.put_telemetry_records(TelemetryRecords=[{"Timestamp": time.time()}])
        except ClientError:
            pass  # recorded by the after-call hook


def receiver_path(platform: Platform, side: AwsSide) -> list[int]:
    """Deliveries from every provider plus a verified non-JSON body (the DLQ path)."""
    statuses = []
    for provider, event_type in [("stripe", "charge.succeeded"), ("square", "refund.created"),
                                 ("paypal", "CUSTOMER.DISPUTE.CREATED")]:  # fmt: skip
        statuses.append(platform.deliver(provider, event_type)["statusCode"])
        side.runtime("webhook-receiver-qa")
    body = b"not json"
    statuses.append(platform.post("/stripe", body, events.stripe_headers(body))["statusCode"])
    side.runtime("webhook-receiver-qa")
    return statuses


def processor_path(platform: Platform, side: AwsSide, replays: list[str]) -> list[int]:
    """The event source mapping and the processor over new and poison messages, then over a
    replay of the same deliveries: the failures of each batch, then how many notifications
    the ledger got (each record once: the replay is acknowledged and not published again)."""
    sqs = platform.client("sqs")
    try:
        responses = platform.drain(rounds=1)
        with disable_iam_authentication():  # the replay arrives through the receiver
            for body in replays:
                sqs.send_message(QueueUrl=platform.ingest_url, MessageBody=body)
        responses += platform.drain(rounds=1)
    except ClientError:
        return [-1]  # the mapping itself was denied
    side.runtime("webhook-processor-qa")
    with disable_iam_authentication():
        notifications = len(platform.notifications("ledger"))
    return [len(r["batchItemFailures"]) for r in responses] + [notifications]


def seed_processor(platform: Platform) -> list[str]:
    """Queues three deliveries and a poison message; returns the deliveries' envelopes."""
    for provider, event_type in [
        ("stripe", "payment_intent.succeeded"),
        ("square", "payment.updated"),
        ("paypal", "PAYMENT.CAPTURE.REFUNDED"),
    ]:
        assert platform.deliver(provider, event_type)["statusCode"] == 200
    envelopes = [m["Body"] for m in platform.receive(platform.ingest_url)]
    platform.client("sqs").send_message(QueueUrl=platform.ingest_url, MessageBody="poison")
    return envelopes


FunctionPath = Callable[[Platform, AwsSide], list[int]]

EXPECTED: dict[str, list[int]] = {
    iam.RECEIVER: [200, 200, 200, 200],
    iam.PROCESSOR: [0, 0, 3],  # no failure in either batch; three records, each published once
}


def _prepare(platform: Platform, function: str) -> FunctionPath:
    """Seeds what the function consumes (as the test, not the role); returns its path."""
    if function == iam.RECEIVER:
        return receiver_path
    with disable_iam_authentication():
        return partial(processor_path, replays=seed_processor(platform))


def policy_resources(platform: Platform) -> dict[str, list[str]]:
    sqs = platform.client("sqs")

    def queue_arn(url: str) -> str:
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]

    return {
        iam.PARAMETERS: [
            f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name}" for name, _ in PARAMETERS.values()
        ],
        iam.KEY: [platform.key_arn],
        iam.INGEST_QUEUE: [queue_arn(platform.ingest_url)],
        iam.DLQ: [queue_arn(platform.dlq_url)],
        iam.TABLE: [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{platform.table_name}"],
        iam.TOPIC: [platform.topic_arn],
    }


def without(document: dict[str, Any], sid: str, action: str) -> dict[str, Any]:
    """``document`` with ``action`` removed from statement ``sid`` (emptied statements go)."""
    statements = []
    for statement in document["Statement"]:
        actions = [a for a in statement["Action"] if statement["Sid"] != sid or a != action]
        if actions:
            statements.append({**statement, "Action": actions})
    return {**document, "Statement": statements}


@pytest.fixture(scope="module")
def platform(paypal_pki: events.PayPalPKI) -> Iterator[Platform]:
    """One platform for the module, with moto's IAM fixes and the functions' log groups."""
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        mocked_platform(monkeypatch, paypal_pki) as built,
    ):
        patch_moto_iam(monkeypatch)
        logs = built.client("logs")
        for kind in ("receiver", "processor"):
            logs.create_log_group(logGroupName=f"/aws/lambda/webhook-{kind}-qa")
        yield built


@pytest.fixture(scope="module")
def data_key(platform: Platform) -> bytes:
    """A ciphertext under the stack key, for the Decrypt calls AWS makes for the role."""
    kms = platform.client("kms")
    return bytes(kms.encrypt(KeyId=platform.key_arn, Plaintext=b"data key")["CiphertextBlob"])


def _empty(platform: Platform) -> None:
    """Empty every queue and the table (SQS allows one PurgeQueue a minute, so receive)."""
    sqs = platform.client("sqs")
    for url in [platform.ingest_url, platform.dlq_url, *platform.subscribers.values()]:
        while batch := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60
        ).get("Messages", []):
            handles = [{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch]
            sqs.delete_message_batch(QueueUrl=url, Entries=handles)
    dynamodb = platform.client("dynamodb")
    for item in platform.items():
        key = {name: item[name] for name in ("transaction_id", "timestamp")}
        dynamodb.delete_item(TableName=platform.table_name, Key=key)


@pytest.fixture
def as_role(
    platform: Platform, data_key: bytes, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, dict[str, Any]], AwsSide]]:
    """Returns ``enter(function, policy)``: the caller becomes a new role of that function."""
    _empty(platform)

    def enter(function: str, policy: dict[str, Any]) -> AwsSide:
        with disable_iam_authentication():
            admin = platform.client("iam")
            role = admin.create_role(
                RoleName=f"{function}-{uuid.uuid4().hex[:12]}",
                AssumeRolePolicyDocument=json.dumps(iam.lambda_assume_role_policy()),
            )["Role"]
            admin.put_role_policy(
                RoleName=role["RoleName"], PolicyName="inline", PolicyDocument=json.dumps(policy)
            )
            credentials = platform.client("sts").assume_role(
                RoleArn=role["Arn"], RoleSessionName=function
            )["Credentials"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
        monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
        side = AwsSide(platform.key_arn, data_key)
        boto3.setup_default_session()
        side.install(boto3.DEFAULT_SESSION)
        clients.reset()
        monkeypatch.setattr(receiver, "_material", None)
        return side

    with enable_iam_authentication():
        yield enter
    boto3.DEFAULT_SESSION = None
    clients.reset()


def _policy(platform: Platform, function: str) -> dict[str, Any]:
    with disable_iam_authentication():
        resources = policy_resources(platform)
    group = f"/aws/lambda/{function}-qa"
    return iam.function_policy(
        function, {**resources, iam.LOG_GROUP: [iam.log_group_arn(REGION, ACCOUNT, group)]}
    )


@pytest.mark.evidence("7.2.1", "7.2.2")
@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_the_stack_policy_allows_the_whole_path(platform, as_role, function):
    run = _prepare(platform, function)
    side = as_role(function, _policy(platform, function))
    assert run(platform, side) == EXPECTED[function]
    assert side.denials == []
    with disable_iam_authentication():
        if function == iam.PROCESSOR:
            items = platform.items()
            assert len(items) == 3
            assert all(PUBLISHED in item for item in items)
            assert len(platform.receive(platform.dlq_url)) == 1  # the poison message
        else:
            assert len(platform.receive(platform.ingest_url)) == 3
            assert len(platform.receive(platform.dlq_url)) == 1  # the non-JSON body


def _grants(function: str) -> list[tuple[str, str, str]]:
    return [
        (function, grant.sid, action)
        for grant in iam.FUNCTION_GRANTS[function]
        for action in grant.actions
    ]


@pytest.mark.evidence("7.2.1", "7.2.2")
@pytest.mark.parametrize(
    ("function", "sid", "action"),
    _grants(iam.RECEIVER) + _grants(iam.PROCESSOR),
    ids=lambda value: value,
)
def test_every_granted_action_is_needed(platform, as_role, function, sid, action):
    run = _prepare(platform, function)
    side = as_role(function, without(_policy(platform, function), sid, action))
    outcome = run(platform, side)
    assert any(f"{DENIED}{action}" in denial for denial in side.denials), side.denials
    if not action.startswith(("logs:", "xray:")):  # the runtime's writes fail after the work
        assert outcome != EXPECTED[function]


@pytest.mark.evidence("7.2.2")
def test_grants_are_scoped_to_the_stack_resources(platform, as_role):
    side = as_role(iam.PROCESSOR, _policy(platform, iam.PROCESSOR))
    other_topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:other-topic"
    attempts: dict[str, Callable[[], Any]] = {
        "dynamodb:PutItem": lambda: boto3.client("dynamodb", region_name=REGION).put_item(
            TableName="other-table", Item={"transaction_id": {"S": "x"}}
        ),
        "dynamodb:UpdateItem": lambda: boto3.client("dynamodb", region_name=REGION).update_item(
            TableName="other-table", Key={"transaction_id": {"S": "x"}}
        ),
        "sns:Publish": lambda: boto3.client("sns", region_name=REGION).publish(
            TopicArn=other_topic, Message="x"
        ),
        "sqs:SendMessage": lambda: boto3.client("sqs", region_name=REGION).send_message(
            QueueUrl=platform.subscribers["ledger"], MessageBody="x"
        ),
        "ssm:GetParameter": lambda: boto3.client("ssm", region_name=REGION).get_parameter(
            Name=PARAMETERS["STRIPE_SIGNING_SECRET_PARAM"][0], WithDecryption=True
        ),
        "logs:CreateLogStream": lambda: boto3.client("logs", region_name=REGION).create_log_stream(
            logGroupName="/aws/lambda/webhook-receiver-qa", logStreamName="x"
        ),
    }
    for action, attempt in attempts.items():
        with pytest.raises(ClientError, match=f"{DENIED}{action}"):
            attempt()
    assert len(side.denials) == len(attempts)
