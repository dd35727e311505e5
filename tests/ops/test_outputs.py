"""The stack outputs file: unusable input exits 2 with the file and the missing output named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.cli import main
from ops.outputs import OutputsError, parse

GOOD = {
    "ingestQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/webhook-events-prod",
    "deadLetterQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/webhook-dlq-prod",
    "tableName": "payment-transactions-prod",
    "topicArn": "arn:aws:sns:eu-west-1:123456789012:payment-events-prod",
}


def test_the_region_comes_from_the_topic() -> None:
    assert parse(GOOD).region == "eu-west-1"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected a JSON object"),
        ({**GOOD, "tableName": ""}, "missing output(s) tableName"),
        ({k: v for k, v in GOOD.items() if "Queue" not in k},
         "missing output(s) ingestQueueUrl, deadLetterQueueUrl"),
        ({**GOOD, "topicArn": "payment-events"}, "topicArn 'payment-events' is not an SNS topic"),
    ],
)  # fmt: skip
def test_bad_outputs_are_named(document: object, message: str) -> None:
    with pytest.raises(OutputsError, match="stack outputs: ") as caught:
        parse(document)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the stack outputs"), ("{not json", "not JSON (")],
)
def test_an_unusable_file_exits_2_without_a_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "outputs.json"
    if content is not None:
        path.write_text(content)

    def no_aws(service: str, region: str) -> object:
        raise AssertionError(service)

    assert main(["--outputs", str(path), "dlq", "list"], clients=no_aws) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: {message}")


def test_an_aws_refusal_exits_1_with_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from botocore.exceptions import ClientError

    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(GOOD))

    class Denied:
        def receive_message(self, **_: object) -> None:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "no"}}, "ReceiveMessage"
            )

    assert main(["--outputs", str(path), "dlq", "list"], clients=lambda *_: Denied()) == 1
    assert "error: AWS refused the call (AccessDenied)" in capsys.readouterr().err
