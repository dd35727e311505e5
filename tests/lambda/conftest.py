"""The whole platform in moto, in process: the handlers are called as Lambda would call them.

``platform`` builds what the stack deploys (KMS key, encrypted table, topic, ingest queue with a
redrive policy to the DLQ, SecureString parameters, subscriber queues with filter policies),
sets each function's environment as stack/functions.py does, and offers the two event sources:
``deliver`` (a signed delivery through the Function URL) and ``drain`` (the SQS event source
mapping: receive up to 10, invoke the processor, delete what it did not report as failed).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.runtime import Context as LambdaContext
from local.runtime import sqs_record

from . import provider_events as events

# The tests assert on the handlers' INFO lines, so a log level in the caller's environment (a
# shell, or `make bench`, whose Lambda suite ran with WARNING before the report's evidence run)
# must not silence them. Powertools fixes a logger's level when a handler module is first
# imported, which can be at collection, before any fixture runs: clear it here, at import.
for _variable in ("POWERTOOLS_LOG_LEVEL", "LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL"):
    os.environ.pop(_variable, None)

REGION = "us-east-1"
SUFFIX = "qa"
MAX_RECEIVE_COUNT = 3
PARAMETERS = {
    "STRIPE_SIGNING_SECRET_PARAM": (f"/payment-webhooks/{SUFFIX}/stripe/signing-secret",
                                    events.STRIPE_SECRET),
    "SQUARE_SIGNATURE_KEY_PARAM": (f"/payment-webhooks/{SUFFIX}/square/signature-key",
                                   events.SQUARE_KEY),
    "SQUARE_NOTIFICATION_URL_PARAM": (f"/payment-webhooks/{SUFFIX}/square/notification-url",
                                      events.SQUARE_URL),
    "PAYPAL_WEBHOOK_ID_PARAM": (f"/payment-webhooks/{SUFFIX}/paypal/webhook-id",
                                events.PAYPAL_WEBHOOK_ID),
    "ADYEN_HMAC_KEY_HEX_PARAM": (f"/payment-webhooks/{SUFFIX}/adyen/hmac-key-hex",
                                 events.ADYEN_HMAC_KEY),
}  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def shared_service_models() -> Iterator[None]:
    """Every boto3 session shares one botocore model loader (read-only data). moto resets the
    default session for each mock and each role switch makes a new one; without this, each
    session parses the same service JSON again (over half a least-privilege test's time)."""
    import botocore.loaders
    import botocore.session

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(
            botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader)
        )
        yield


@pytest.fixture(scope="session")
def paypal_pki() -> events.PayPalPKI:
    return events.PayPalPKI()


def function_url_event(
    path: str,
    body: bytes,
    headers: dict[str, str],
    *,
    method: str = "POST",
    base64_encoded: bool = False,
) -> dict[str, Any]:
    """A Function URL invocation (payload format 2.0); header names arrive lower-cased."""
    now_ms = int(time.time() * 1000)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "host": "abcdefghij1234567890.lambda-url.us-east-1.on.aws",
            "x-forwarded-proto": "https",
            **{k.lower(): v for k, v in headers.items()},
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghij1234567890",
            "domainName": "abcdefghij1234567890.lambda-url.us-east-1.on.aws",
            "domainPrefix": "abcdefghij1234567890",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "54.187.174.169",
                "userAgent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": now_ms,
        },
        "body": base64.b64encode(body).decode() if base64_encoded else body.decode(),
        "isBase64Encoded": base64_encoded,
    }


@dataclass
class Platform:
    """Handles on the mocked resources plus the two event sources."""

    monkeypatch: pytest.MonkeyPatch
    pki: events.PayPalPKI
    key_arn: str
    table_name: str
    topic_arn: str
    ingest_url: str
    dlq_url: str
    subscribers: dict[str, str]
    region: str = REGION
    _clients: dict[str, tuple[boto3.Session, Any]] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A client of the current default session (the test's credentials), reused while
        that session is."""
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        cached = self._clients.get(service)
        if cached is None or cached[0] is not session:
            cached = (session, session.client(service, region_name=self.region))
            self._clients[service] = cached
        return cached[1]

    def signed(self, provider: str, body: bytes) -> dict[str, str]:
        if provider == "stripe":
            return events.stripe_headers(body)
        if provider == "square":
            return events.square_headers(body)
        if provider == "adyen":  # each item carries its own signature
            return {"content-type": "application/json"}
        return self.pki.headers(body)

    def deliver(self, provider: str, event_type: str, note: str = "") -> dict[str, Any]:
        body = events.body_of(events.payload(provider, event_type, note))
        return self.post(f"/{provider}", body, self.signed(provider, body))

    def post(self, path: str, body: bytes, headers: dict[str, str], **kwargs: Any) -> Any:
        from webhook_processor import receiver

        event = function_url_event(path, body, headers, **kwargs)
        return receiver.handler(event, LambdaContext("webhook-receiver-qa"))

    def receive(self, url: str, *, attributes: bool = False) -> list[dict[str, Any]]:
        """Every message now on a queue, left there (visible again; each peek is a receive)."""
        sqs = self.client("sqs")
        messages: list[dict[str, Any]] = []
        while batch := sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"] if attributes else [],
        ).get("Messages", []):
            messages.extend(batch)
        for message in messages:
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return messages

    def take(self, url: str) -> list[dict[str, Any]]:
        """Receive and delete every message on a queue."""
        messages = self.receive(url, attributes=True)
        for message in messages:
            self.client("sqs").delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return messages

    def drain(self, *, rounds: int = 10) -> list[dict[str, Any]]:
        """Run the event source mapping until the ingest queue is empty (or ``rounds`` ran)."""
        from webhook_processor import processor

        sqs = self.client("sqs")
        arn = sqs.get_queue_attributes(QueueUrl=self.ingest_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        responses = []
        for _ in range(rounds):
            batch = sqs.receive_message(
                QueueUrl=self.ingest_url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=0,
                AttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                break
            event = {"Records": [sqs_record(m, arn) for m in batch]}
            response = processor.handler(event, LambdaContext("webhook-processor-qa"))
            responses.append(response)
            failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
            for message in batch:
                if message["MessageId"] not in failed:
                    sqs.delete_message(
                        QueueUrl=self.ingest_url, ReceiptHandle=message["ReceiptHandle"]
                    )
        return responses

    def items(self) -> list[dict[str, Any]]:
        """The table's transaction records (transmission markers left out: see ``markers``)."""
        from webhook_processor.processor import TRANSMISSION_PREFIX

        return [
            item
            for item in self.client("dynamodb").scan(TableName=self.table_name)["Items"]
            if not item["transaction_id"]["S"].startswith(TRANSMISSION_PREFIX)
        ]

    def markers(self) -> list[dict[str, Any]]:
        """The table's transmission-id markers."""
        from webhook_processor.processor import TRANSMISSION_PREFIX

        items = self.client("dynamodb").scan(TableName=self.table_name)["Items"]
        return [i for i in items if i["transaction_id"]["S"].startswith(TRANSMISSION_PREFIX)]

    def notifications(self, subscriber: str) -> list[dict[str, Any]]:
        """Records delivered to a subscriber queue (raw message delivery), consumed."""
        return [json.loads(m["Body"]) for m in self.take(self.subscribers[subscriber])]


def _serve_paypal_certificate(monkeypatch: pytest.MonkeyPatch, pki: events.PayPalPKI) -> None:
    """Trust the test root and serve the test certificate at PayPal's certificate URL: the
    receiver's own fetch code runs, only the network underneath is replaced."""
    import io
    import urllib.request

    from webhook_processor.signatures import paypal

    class Opener:
        def open(self, url: str, timeout: float) -> io.BytesIO:
            assert timeout <= 5
            if url != events.PAYPAL_CERT_URL:
                raise OSError(url)
            return io.BytesIO(pki.leaf_pem())

    monkeypatch.setattr(paypal, "system_trust_store", lambda: (pki.root,))
    monkeypatch.setattr(urllib.request, "build_opener", lambda *_: Opener())


def build_platform(monkeypatch: pytest.MonkeyPatch, pki: events.PayPalPKI) -> Platform:
    """Create the resources (inside an active mock) and point both functions at them."""
    from webhook_processor import clients, receiver

    kms = boto3.client("kms", region_name=REGION)
    key_arn = kms.create_key(Description="payment-webhooks-key-qa")["KeyMetadata"]["Arn"]
    table = f"payment-transactions-{SUFFIX}"
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=table,
        KeySchema=[
            {"AttributeName": "transaction_id", "KeyType": "HASH"},
            {"AttributeName": "timestamp", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "transaction_id", "AttributeType": "S"},
            {"AttributeName": "timestamp", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
    )
    sqs = boto3.client("sqs", region_name=REGION)
    dlq_url = sqs.create_queue(
        QueueName=f"webhook-dlq-{SUFFIX}", Attributes={"KmsMasterKeyId": key_arn}
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    ingest_url = sqs.create_queue(
        QueueName=f"webhook-events-{SUFFIX}",
        Attributes={
            "KmsMasterKeyId": key_arn,
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT}
            ),
        },
    )["QueueUrl"]
    sns = boto3.client("sns", region_name=REGION)
    topic_arn = sns.create_topic(
        Name=f"payment-events-{SUFFIX}", Attributes={"KmsMasterKeyId": key_arn}
    )["TopicArn"]
    filters = {
        # A ledger that takes every stored status with a positive amount...
        "ledger": {
            "status": ["completed", "refunded", "disputed"],
            "amount": [{"numeric": [">", 0]}],
        },
        # ...and a disputes desk that only wants disputes.
        "disputes": {"status": ["disputed"]},
    }
    subscribers = {}
    for name, policy in filters.items():
        url = sqs.create_queue(QueueName=f"{name}-{SUFFIX}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"FilterPolicy": json.dumps(policy), "RawMessageDelivery": "true"},
        )
        subscribers[name] = url
    ssm = boto3.client("ssm", region_name=REGION)
    for variable, (name, value) in PARAMETERS.items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", KeyId=key_arn)
        monkeypatch.setenv(variable, name)
    for variable, value in {
        "INGEST_QUEUE_URL": ingest_url,
        "DLQ_URL": dlq_url,
        "TABLE_NAME": table,
        "TOPIC_ARN": topic_arn,
    }.items():
        monkeypatch.setenv(variable, value)
    _serve_paypal_certificate(monkeypatch, pki)
    clients.reset()
    monkeypatch.setattr(receiver, "_material", None)
    return Platform(monkeypatch, pki, key_arn, table, topic_arn, ingest_url, dlq_url, subscribers)


@contextmanager
def mocked_platform(monkeypatch: pytest.MonkeyPatch, pki: events.PayPalPKI) -> Iterator[Platform]:
    """Test credentials and Powertools settings, an active mock and the platform inside it."""
    from webhook_processor import clients

    for variable, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_SERVICE_NAME": "payment-webhooks",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield build_platform(monkeypatch, pki)
    clients.reset()


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch, paypal_pki: events.PayPalPKI) -> Iterator[Platform]:
    with mocked_platform(monkeypatch, paypal_pki) as built:
        yield built


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every JSON log line a Powertools logger formats during the test, as parsed dicts.

    Captured at the formatter, not at a handler's stream: which Logger instance, logger name
    (POWERTOOLS_SERVICE_NAME at import time) and handler the handlers' modules hold depends on
    when they were imported or reloaded (collection, the canary's X-Ray reload), and a stream
    patched on one handler misses what another writes. Each line is exactly what the handler
    writes, after scrubbing.
    """
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    captured: list[str] = []
    format_record = LambdaPowertoolsFormatter.format

    def capture(self: LambdaPowertoolsFormatter, record: logging.LogRecord) -> str:
        line = format_record(self, record)
        captured.append(line)
        return line

    monkeypatch.setattr(LambdaPowertoolsFormatter, "format", capture)

    def lines() -> list[dict[str, Any]]:
        return [json.loads(line) for line in captured]

    lines.text = lambda: "\n".join(captured)  # type: ignore[attr-defined]
    return lines
