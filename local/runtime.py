"""The runtime: moto on 127.0.0.1, the receiver over HTTP, the processor's event source mapping.

Each function runs as one execution environment (one request or batch at a time, as a Lambda
environment does); the HTTP server and the pollers are threads around them. Everything listens
on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import logging
import os
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from compliance.preview import run_preview
from local import ROOT
from local.resources import Deployed, create

LOOPBACK = "127.0.0.1"
REGION = "us-east-1"
ACCOUNT = "123456789012"
RECEIVER = "webhook_processor.receiver.handler"
PROCESSOR = "webhook_processor.processor.handler"
TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/", "application/xml")
SUBSCRIBER = "local-subscriber"


class SettingsError(ValueError):
    """Verifier settings the local receiver cannot be given (the message names the key)."""


def _text(value: Any) -> str:
    """A setting as an SSM parameter or environment variable holds it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Context:
    """The attributes Powertools reads from the Lambda context object."""

    function_name: str
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timeout_seconds: float = 60
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.started + self.timeout_seconds - time.monotonic()) * 1000))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"


class LogSink(io.TextIOBase):
    """Where the handlers' JSON log lines go: counted (lines, bytes), optionally kept."""

    def __init__(self, keep: bool = False) -> None:
        self.lines = 0
        self.bytes = 0
        self.kept: list[str] = []
        self._keep = keep
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self.lines += text.count("\n")
            self.bytes += len(text.encode())
            if self._keep:
                self.kept.append(text)
        return len(text)


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """An SQS message (as ReceiveMessage returns it) as the event source mapping hands it to
    Lambda."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def function_url_event(
    method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
) -> dict[str, Any]:
    """The Function URL payload 2.0 event for one HTTP request (headers lower-cased; a body
    that is not text is base64-encoded, as the service does)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    content_type = lowered.get("content-type", "")
    text = not body or content_type.startswith(TEXT_TYPES)
    try:
        decoded = body.decode() if text else None
    except UnicodeDecodeError:
        decoded = None
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": lowered.get("host", LOOPBACK),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": LOOPBACK,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        },
        "body": decoded if decoded is not None else base64.b64encode(body).decode(),
        "isBase64Encoded": decoded is None,
    }


def check_settings(
    provider: str, settings: Mapping[str, Any]
) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """Check ``provider``'s verifier settings (the ``webhook_processor verify --config``
    format) against what the deployed receiver reads; its (SSM parameter, environment option)
    variables by setting. SettingsError names the key it cannot take."""
    from webhook_processor import signatures
    from webhook_processor.config import (
        PROVIDER_DEFAULTS,
        PROVIDER_OPTIONAL_PARAMETERS,
        PROVIDER_OPTIONS,
        PROVIDER_PARAMETERS,
    )

    if provider not in PROVIDER_PARAMETERS:
        msg = f"provider {provider!r}: the receiver routes only {sorted(PROVIDER_PARAMETERS)}"
        raise SettingsError(msg)
    required = PROVIDER_PARAMETERS[provider]
    parameters = {**required, **PROVIDER_OPTIONAL_PARAMETERS.get(provider, {})}
    options = PROVIDER_OPTIONS.get(provider, {})
    fixed = PROVIDER_DEFAULTS.get(provider, {})
    for key, value in fixed.items():
        if key in settings and settings[key] != value:
            msg = f"{provider}: the deployed receiver takes only {key}={value!r}"
            raise SettingsError(msg)
    unknown = sorted(set(settings) - set(parameters) - set(options) - set(fixed))
    if unknown:
        msg = (
            f"{provider}: setting {unknown[0]!r} is not one the deployed receiver reads "
            f"(it reads {sorted({*parameters, *options})})"
        )
        raise SettingsError(msg)
    missing = sorted(set(required) - set(settings))
    if missing:
        msg = f"{provider}: setting {missing[0]!r} is required"
        raise SettingsError(msg)
    try:
        signatures.verifier(provider, {**fixed, **settings})
    except signatures.ConfigError as error:
        raise SettingsError(str(error)) from None
    return parameters, options


_connections = threading.local()


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float = 30) -> int:
    """POST to the local receiver (``http://127.0.0.1:PORT/path``) over a kept-alive
    connection per thread; the status code."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK:
        msg = f"url {url!r}: only http://{LOOPBACK} is served locally"
        raise ValueError(msg)
    key = (parts.hostname, parts.port)
    try:
        return _send(key, parts.path, body, headers, timeout)
    except (http.client.HTTPException, ConnectionError):
        # A kept-alive connection the server closed meanwhile: reconnect once.
        _connections.open.pop(key).close()
        return _send(key, parts.path, body, headers, timeout)


def _send(
    key: tuple[str, int | None], path: str, body: bytes, headers: Mapping[str, str], timeout: float
) -> int:
    if not hasattr(_connections, "open"):
        _connections.open = {}
    if key not in _connections.open:
        _connections.open[key] = http.client.HTTPConnection(LOOPBACK, key[1], timeout=timeout)
    connection = _connections.open[key]
    connection.request("POST", path, body=body, headers=dict(headers))
    answer = connection.getresponse()
    answer.read()
    return answer.status


def _within_retention(backend: Any, queue_name: str, message: Any) -> bool:
    """moto's retention check (sent less than MessageRetentionPeriod seconds ago), reading
    only that attribute."""
    retention = int(backend.get_queue(queue_name).message_retention_period)
    return bool(retention + message.sent_timestamp / 1000 > time.time())


def _end_metrics() -> None:
    """Drop an invocation's metrics as a Lambda flush does. With POWERTOOLS_METRICS_DISABLED,
    Powertools keeps them instead of printing them: they would pile up for the whole session
    and come out as EMF lines at the next flush after the runtime, in a test or a benchmark."""
    from webhook_processor.metrics import emf

    emf.clear_metrics()


def _speed_up_moto() -> None:
    """Remove two costs of moto 5.2.5 that grow with the load, not with what is asked.

    Same answers, less work; without them a 10,000-delivery soak slows as its backlog grows:

    - SQS ReceiveMessage checks each message it returns against the queue's retention period
      by reading ``get_queue_attributes(["MessageRetentionPeriod"])``, which computes every
      attribute, three message counts each scanning the whole queue, three times: receiving
      10 messages from a backlog of n scanned the queue ~90 times. Read the attribute instead.
    - The server finds each request's backend by listing moto's package directory (a stat per
      service) under its dispatch lock. The list cannot change while it runs: compute it once.
    """
    from moto import backends
    from moto.sqs.models import SQSBackend

    SQSBackend.is_message_valid_based_on_retention_period = _within_retention  # type: ignore[method-assign,assignment]
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


class Runtime:
    """The platform running locally; use ``with Runtime.started(...) as runtime``."""

    def __init__(self, stack: str = "dev", *, visibility_timeout: int | None = None) -> None:
        self.stack = stack
        self.visibility_override = visibility_timeout
        self.receiver_lock = threading.Lock()
        self.processor_lock = threading.Lock()
        self.logs = LogSink()
        self.latencies: list[float] = []
        self.invocations = {"receiver": 0, "processor": 0, "processor_errors": 0}
        self.durations: dict[str, list[float]] = {"receiver": [], "processor": []}
        self.records: list[dict[str, Any]] = []  # what the subscriber queue received
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._clients: dict[str, Any] = {}
        self._client_lock = threading.Lock()
        # Set as the runtime starts (``started``).
        self.aws_url: str
        self.aws: Deployed
        self.url: str
        self.subscriber_url: str
        self.ingest_arn: str
        self.receiver: Any  # the handler modules, imported once the environment is set
        self.processor: Any

    # --- AWS -------------------------------------------------------------------------------
    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS call otherwise
        _speed_up_moto()
        self.moto = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        self.aws_url = f"http://{host}:{port}"
        # moto's backends are per process: a second runtime in one process starts empty.
        post(f"{self.aws_url}/moto-api/reset", b"", {})
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.aws_url,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "POWERTOOLS_TRACE_DISABLED": "true",
                # EMF lines are CloudWatch's input; here they would only bury the output.
                "POWERTOOLS_METRICS_DISABLED": "true",
            }
        )
        os.environ.pop("AWS_PROFILE", None)

    def client(self, service: str) -> Any:
        """A boto3 client of the moto server for the runtime's own calls (not the handlers')."""
        import boto3

        with self._client_lock:
            if service not in self._clients:
                self._clients[service] = boto3.session.Session().client(
                    service, region_name=REGION, endpoint_url=self.aws_url
                )
            return self._clients[service]

    def _deploy(self) -> Deployed:
        preview = run_preview(ROOT, self.stack)
        deployed = create(preview, self.client)
        sqs, sns = self.client("sqs"), self.client("sns")
        self.subscriber_url = sqs.create_queue(QueueName=f"{SUBSCRIBER}-{self.stack}")["QueueUrl"]
        subscriber_arn = sqs.get_queue_attributes(
            QueueUrl=self.subscriber_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        sns.subscribe(
            TopicArn=deployed.topic_arn,
            Protocol="sqs",
            Endpoint=subscriber_arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        self.ingest_arn = sqs.get_queue_attributes(
            QueueUrl=deployed.ingest_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        return deployed

    def configure(self, provider: str, settings: Mapping[str, Any]) -> None:
        """Give the receiver ``provider``'s verifier settings the way the stack does: secrets
        into their SSM parameters, plain options into the function's environment."""
        parameters, options = check_settings(provider, settings)
        ssm = self.client("ssm")
        for key, variable in parameters.items():
            if key not in settings:  # an optional parameter: left as the stack deployed it
                continue
            ssm.put_parameter(
                Name=os.environ[variable],
                Value=_text(settings[key]),
                Type="SecureString",
                KeyId=self.aws.key_arn,
                Overwrite=True,
            )
        for key, variable in options.items():
            if key in settings:
                os.environ[variable] = _text(settings[key])
        self.receiver._material = None  # the next request reads the new material

    def _configure_handlers(self) -> None:
        """Each function's environment from the preview, as one process can hold it: both
        functions' variables together (they agree where they overlap)."""
        for variables in self.aws.environments.values():
            os.environ.update(variables)
        os.environ["POWERTOOLS_SERVICE_NAME"] = "payment-webhooks"
        from webhook_processor import clients, processor, receiver

        clients.reset()
        self.receiver, self.processor = receiver, processor
        self.receiver._material = None
        for module in (receiver, processor):
            module.logger.registered_handler.setStream(self.logs)

    # --- the receiver over HTTP --------------------------------------------------------------
    def invoke_receiver(self, event: dict[str, Any]) -> dict[str, Any]:
        with self.receiver_lock:
            self.invocations["receiver"] += 1
            started = time.perf_counter()
            try:
                return dict(self.receiver.handler(event, Context(f"webhook-receiver-{self.stack}")))
            finally:
                self.durations["receiver"].append(time.perf_counter() - started)
                _end_metrics()

    def _start_http(self, port: int) -> None:
        runtime = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                started = time.perf_counter()
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                event = function_url_event(self.command, path, query, dict(self.headers), body)
                answer = runtime.invoke_receiver(event)
                raw = answer.get("body") or ""
                payload = base64.b64decode(raw) if answer.get("isBase64Encoded") else raw.encode()
                self.send_response(int(answer.get("statusCode", 200)))
                for name, value in (answer.get("headers") or {}).items():
                    self.send_header(name, str(value))
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                runtime.latencies.append(time.perf_counter() - started)

            do_POST = do_GET = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's names

            def log_message(self, *_args: Any) -> None:
                """Requests are counted, not printed."""

        self.http = ThreadingHTTPServer((LOOPBACK, port), Handler)
        self.http.daemon_threads = True
        self.url = f"http://{LOOPBACK}:{self.http.server_address[1]}"
        self._spawn(self.http.serve_forever)

    # --- the processor's event source mapping --------------------------------------------------
    def invoke_processor(self, batch: list[dict[str, Any]]) -> set[str] | None:
        """One invocation; the ids of messages to leave on the queue, None if it died."""
        event = {"Records": [sqs_record(m, self.ingest_arn) for m in batch]}
        with self.processor_lock:
            self.invocations["processor"] += 1
            started = time.perf_counter()
            try:
                answer = self.processor.handler(event, Context(f"webhook-processor-{self.stack}"))
            except Exception:  # an invocation error: the whole batch returns to the queue
                self.invocations["processor_errors"] += 1
                return None
            finally:
                self.durations["processor"].append(time.perf_counter() - started)
                _end_metrics()
        return {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}

    def _poll(self) -> None:
        """Long-poll batches of up to 10; delete what the function did not report as failed."""
        sqs = self.client("sqs")
        extra = (
            {"VisibilityTimeout": self.visibility_override}
            if self.visibility_override is not None
            else {}
        )
        while not self._stop.is_set():
            batch = sqs.receive_message(
                QueueUrl=self.aws.ingest_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=1,
                AttributeNames=["All"],
                **extra,
            ).get("Messages", [])
            if not batch:
                continue
            failed = self.invoke_processor(batch)
            if failed is None:
                continue
            done = [m for m in batch if m["MessageId"] not in failed]
            for start in range(0, len(done), 10):
                sqs.delete_message_batch(
                    QueueUrl=self.aws.ingest_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done[start : start + 10])
                    ],
                )

    def _subscribe(self) -> None:
        """The subscriber: take every record the topic delivered to its queue."""
        sqs = self.client("sqs")
        while not self._stop.is_set():
            batch = sqs.receive_message(
                QueueUrl=self.subscriber_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            ).get("Messages", [])
            if not batch:
                continue
            self.records.extend(json.loads(m["Body"]) for m in batch)
            sqs.delete_message_batch(
                QueueUrl=self.subscriber_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in
                         enumerate(batch)],
            )  # fmt: skip

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop_receiving(self) -> None:
        """Refuse new connections; the pollers keep draining what was accepted."""
        self.http.shutdown()
        self.http.server_close()

    # --- lifecycle ---------------------------------------------------------------------------
    def depth(self, url: str) -> int:
        """Messages on a queue, visible or in flight."""
        # "All": moto 5.2.5 computes the attributes (each count a scan of the queue) once for
        # it, but three times per attribute named.
        attributes = self.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"
        ]
        return sum(
            int(attributes[name])
            for name in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
        )

    def wait_idle(self, timeout: float) -> bool:
        """True once the ingest and subscriber queues are empty (nothing visible or in flight)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.depth(self.aws.ingest_url) == 0 and self.depth(self.subscriber_url) == 0:
                return True
            time.sleep(0.2)
        return False

    @classmethod
    @contextmanager
    def started(
        cls,
        stack: str = "dev",
        *,
        port: int = 0,
        pollers: int = 2,
        visibility_timeout: int | None = None,
    ) -> Iterator[Runtime]:
        runtime = cls(stack, visibility_timeout=visibility_timeout)
        saved = dict(os.environ)
        runtime._start_moto()
        try:
            runtime.aws = runtime._deploy()
            runtime._configure_handlers()
            runtime._start_http(port)
            for _ in range(pollers):
                runtime._spawn(runtime._poll)
            runtime._spawn(runtime._subscribe)
            yield runtime
        finally:
            runtime._stop.set()
            if hasattr(runtime, "http"):
                runtime.http.shutdown()
                runtime.http.server_close()
            for thread in runtime._threads:
                thread.join(timeout=5)
            runtime.moto.stop()
            os.environ.clear()
            os.environ.update(saved)

    # --- what came out -------------------------------------------------------------------------
    def messages(self, url: str) -> list[dict[str, Any]]:
        """Every message now on a queue (received and made visible again)."""
        sqs = self.client("sqs")
        seen: dict[str, dict[str, Any]] = {}
        for _ in range(10_000):
            batch = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=30,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                break
            seen.update((m["MessageId"], m) for m in batch)
        for message in seen.values():
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return list(seen.values())

    def stored(self) -> list[dict[str, Any]]:
        dynamodb = self.client("dynamodb")
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": self.aws.table_name}
        while True:
            page = dynamodb.scan(**kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
