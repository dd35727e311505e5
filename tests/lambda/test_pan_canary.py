"""The PAN canary: a card number planted in every provider's payload appears nowhere downstream.

Nothing PAN-like may leave a function (PCI DSS 3.3.1: no sensitive authentication data after
authorisation; 3.4.1/3.5.1: PAN unreadable wherever stored): not the table, the topic, either
queue, the logs or the X-Ray subsegments the functions emit.
"""

from __future__ import annotations

import importlib
import json
import os
import re

import pytest

from webhook_processor.scrub import REDACTED

from . import provider_events as events
from .provider_events import CASES as ALL_CASES

# One case per fact: a second report of a fact is (rightly) neither stored nor published again.
CASES = list({(case.transaction_id, case.fact): case for case in ALL_CASES}.values())

PAN_TYPED = "4242 4242 4242 4242"
PAN_DIGITS = "4242424242424242"
PAN_AS_NUMBER = 5555555555554444
NOTE = f"please charge card {PAN_TYPED} exp 08/27"


class CapturingEmitter:
    """Stands in for the X-Ray daemon: keeps every entity the SDK would send over UDP."""

    def __init__(self) -> None:
        self.entities: list[str] = []

    def send_entity(self, entity) -> None:
        self.entities.append(entity.serialize())

    def set_daemon_address(self, address) -> None:
        del address


def _reload_handlers(*, tracing: bool) -> None:
    """Re-create the handlers' module-level Tracer and Logger under the current environment."""
    from aws_lambda_powertools import Tracer
    from aws_xray_sdk import global_sdk_config

    from webhook_processor import processor, receiver  # a first import may disable the SDK

    global_sdk_config.set_sdk_enabled(tracing)
    Tracer._reset_config()
    importlib.reload(receiver)
    importlib.reload(processor)


@pytest.fixture
def xray(platform, monkeypatch):
    """Tracing on as in Lambda (facade segment from _X_AMZN_TRACE_ID, subsegments streamed)."""
    from aws_xray_sdk.core import xray_recorder
    from aws_xray_sdk.core.context import Context
    from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter
    from aws_xray_sdk.core.lambda_launcher import LambdaContext

    emitter = CapturingEmitter()
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    monkeypatch.setenv(
        "_X_AMZN_TRACE_ID",
        "Root=1-674661c0-0a1b2c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=1",
    )
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED")
    xray_recorder.configure(context=LambdaContext(), emitter=emitter, sampling=False)
    _reload_handlers(tracing=True)
    yield emitter
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
    os.environ.pop("LAMBDA_TASK_ROOT", None)
    xray_recorder.configure(context=Context(), emitter=UDPEmitter())
    _reload_handlers(tracing=False)


def _plant(provider: str, event_type: str) -> bytes:
    data = events.payload(provider, event_type, NOTE)
    # Adyen's items are queued one by one, without the batch around them: plant in the item.
    target = data
    if provider == "adyen":
        target = data["notificationItems"][0]["NotificationRequestItem"]
    target["card_number"] = PAN_DIGITS
    target["cvc"] = "737"
    target["metadata_number"] = PAN_AS_NUMBER
    return events.body_of(data)


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[ -](?=\d)", "", text)


@pytest.mark.evidence("3.3.1", "3.4.1", "3.5.1")
def test_a_planted_pan_appears_nowhere(platform, xray, logs):
    for case in CASES:
        body = _plant(case.provider, case.event_type)
        assert PAN_DIGITS in _digits(body.decode())  # the canary is really in the payload
        response = platform.post(f"/{case.provider}", body, platform.signed(case.provider, body))
        assert response["statusCode"] == 200
    poison = f"card {PAN_TYPED}".encode()
    assert platform.post("/stripe", poison, events.stripe_headers(poison))["statusCode"] == 200

    enqueued = [m["Body"] for m in platform.receive(platform.ingest_url)]
    assert len(enqueued) == len(CASES)
    for body in enqueued:
        payload = json.loads(body)["payload"]
        assert (payload["card_number"], payload["cvc"]) == (REDACTED, REDACTED)
        assert payload["metadata_number"] == REDACTED
    platform.drain()

    artifacts = {
        "ingest queue": enqueued,
        "table": [json.dumps(item) for item in platform.items()],
        "topic (ledger)": [m["Body"] for m in platform.take(platform.subscribers["ledger"])],
        "topic (disputes)": [m["Body"] for m in platform.take(platform.subscribers["disputes"])],
        "dead-letter queue": [json.dumps(m) for m in platform.take(platform.dlq_url)],
        "logs": [logs.text()],
        "traces": xray.entities,
    }
    assert len(artifacts["table"]) == len(CASES)
    assert len(artifacts["topic (ledger)"]) == len(CASES)
    assert len(artifacts["dead-letter queue"]) == 1
    # The capture saw both functions' lines (a capture that saw nothing would prove nothing).
    logged = [(line["function_name"], line["message"]) for line in logs()]
    accepted = len(CASES) + 1  # the non-JSON body too, on its way to the DLQ
    assert logged.count(("webhook-receiver-qa", "delivery accepted")) == accepted
    assert logged.count(("webhook-processor-qa", "record processed")) == len(CASES)
    traced = {
        (e["name"], e.get("aws", {}).get("operation")) for e in map(json.loads, xray.entities)
    }
    assert {("ssm", "GetParameter"), ("sqs", "SendMessage"), ("dynamodb", "PutItem"),
            ("dynamodb", "UpdateItem"), ("sns", "PublishBatch"),
            ("## handler", None)} <= traced  # fmt: skip
    for name, texts in artifacts.items():
        for text in texts:
            digits = _digits(text)
            assert PAN_DIGITS not in digits, name
            assert str(PAN_AS_NUMBER) not in digits, name


FORMAT_PAN = "6011111111111117"
_GROUPED = [FORMAT_PAN[i : i + 4] for i in range(0, 16, 4)]
# Every format a person might type, each of which once reached the queue, a log or the table.
FORMATS = {
    **{
        f"separator {sep!r}": sep.join(_GROUPED)
        for sep in (".", "_", "/", "\t", "\n", "  ", "\u00a0", "\u2009", " - ", "%20", "+")
    },
    **{
        f"script {zero!r}": "".join(chr(ord(zero) + int(c)) for c in FORMAT_PAN)
        for zero in ("\uff10", "\u0660", "\u0966")
    },
}


def _all_digits(text: str) -> str:
    """Every decimal digit of ``text`` (JSON escapes and URL-encoded bytes undone first)."""
    from webhook_processor.scrub import ascii_digits

    decoded = text.encode().decode("unicode_escape", errors="replace")
    return ascii_digits(re.sub(r"%[0-9A-Fa-f]{2}", "", decoded))


@pytest.mark.evidence("3.3.1", "3.4.1")
def test_a_pan_in_any_format_key_number_or_header_appears_nowhere(platform, logs):
    case = next(c for c in CASES if c.provider == "square")
    for index, (name, typed) in enumerate(FORMATS.items()):
        data = events.payload(case.provider, case.event_type, f"card {typed} thanks")
        data["metadata"] = {typed: "key", "float": float(FORMAT_PAN), "as_text": typed}
        body = events.body_of(data)
        headers = {**platform.signed(case.provider, body), "square-retry-reason": typed}
        response = platform.post(f"/{case.provider}", body, headers)
        assert response["statusCode"] == 200, name
        if index == 0:
            assert FORMAT_PAN in _all_digits(body.decode())  # the detector sees the canary
    enqueued = [m["Body"] for m in platform.receive(platform.ingest_url)]
    assert len(enqueued) == len(FORMATS)
    platform.drain()
    artifacts = {
        "ingest queue": enqueued,
        "table": [json.dumps(item) for item in platform.items()],
        "topic": [m["Body"] for m in platform.take(platform.subscribers["ledger"])],
        "dead-letter queue": [json.dumps(m) for m in platform.take(platform.dlq_url)],
        "logs": logs.text().splitlines(),
    }
    assert artifacts["table"]
    assert artifacts["logs"]
    for where, texts in artifacts.items():
        for text in texts:
            assert FORMAT_PAN not in _all_digits(text), where
