"""The operator commands against the whole platform in moto (tests/lambda/conftest.py's)."""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ops.cli import main
from ops.dlq import SOURCE_ARN

# tests/lambda is not importable by name ("lambda" is a keyword): load its platform by path.
platform_module = importlib.import_module("tests.lambda.conftest")
events = importlib.import_module("tests.lambda.provider_events")


@pytest.fixture(scope="session")
def pki() -> Any:
    return events.PayPalPKI()


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch, pki: Any) -> Iterator[Any]:
    with platform_module.mocked_platform(monkeypatch, pki) as built:
        yield built


@pytest.fixture
def outputs(platform: Any, tmp_path: Path) -> Path:
    """The stack outputs file, as `pulumi stack output --json` writes it."""
    path = tmp_path / "outputs.json"
    path.write_text(
        json.dumps(
            {
                "ingestQueueUrl": platform.ingest_url,
                "deadLetterQueueUrl": platform.dlq_url,
                "tableName": platform.table_name,
                "topicArn": platform.topic_arn,
                "receiverUrl": "https://abc.lambda-url.us-east-1.on.aws/",
            }
        )
    )
    return path


class AwsLikeSqs:
    """The moto SQS client plus what moto 5.2.5 lacks and AWS documents.

    moto implements neither StartMessageMoveTask / ListMessageMoveTasks nor the
    ``DeadLetterQueueSourceArn`` attribute SQS sets on the messages it redrives. Here a DLQ
    message without the functions' ``reason`` attribute is one SQS redrove (that is how the
    tests put them there), and a move task moves every visible DLQ message to its destination
    at once (AWS does it asynchronously, at a bounded rate) and is then listed as COMPLETED.
    """

    def __init__(self, sqs: Any, dlq_url: str, source_arn: str) -> None:
        self._sqs = sqs
        self._dlq_url = dlq_url
        self._source_arn = source_arn
        self.tasks: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def receive_message(self, **request: Any) -> dict[str, Any]:
        response = self._sqs.receive_message(**request)
        if request["QueueUrl"] == self._dlq_url:
            for message in response.get("Messages", []):
                if "reason" not in message.get("MessageAttributes", {}):
                    message.setdefault("Attributes", {})[SOURCE_ARN] = self._source_arn
        return response

    def _url(self, arn: str) -> str:
        return self._sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]

    def start_message_move_task(self, SourceArn: str, DestinationArn: str) -> dict[str, Any]:  # noqa: N803
        source, destination = self._url(SourceArn), self._url(DestinationArn)
        moved = 0
        while batch := self._sqs.receive_message(
            QueueUrl=source, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", []):
            for message in batch:
                attributes = message.get("MessageAttributes", {})
                self._sqs.send_message(
                    QueueUrl=destination, MessageBody=message["Body"], MessageAttributes=attributes
                )
                self._sqs.delete_message(QueueUrl=source, ReceiptHandle=message["ReceiptHandle"])
                moved += 1
        handle = f"task-{len(self.tasks) + 1}"
        self.tasks.append(
            {"TaskHandle": handle, "Status": "COMPLETED", "SourceArn": SourceArn, "Moved": moved}
        )
        return {"TaskHandle": handle}

    def list_message_move_tasks(self, SourceArn: str, MaxResults: int = 1) -> dict[str, Any]:  # noqa: N803
        found = [t for t in self.tasks if t["SourceArn"] == SourceArn]
        return {"Results": found[-MaxResults:]}


@pytest.fixture
def sqs(platform: Any) -> AwsLikeSqs:
    client = platform.client("sqs")
    arn = client.get_queue_attributes(QueueUrl=platform.ingest_url, AttributeNames=["QueueArn"])
    return AwsLikeSqs(client, platform.dlq_url, arn["Attributes"]["QueueArn"])


@pytest.fixture
def run(platform: Any, outputs: Path, sqs: AwsLikeSqs) -> Any:
    """``run(*argv)`` -> (status, stdout, stderr) of ``python -m ops --outputs FILE *argv``."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        status = main(
            ["--outputs", str(outputs), *argv],
            clients=lambda service, _region: sqs if service == "sqs" else platform.client(service),
            out=out,
            err=err,
        )
        return status, out.getvalue(), err.getvalue()

    return invoke
