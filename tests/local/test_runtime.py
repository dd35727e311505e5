"""The local runtime's pure parts: the Function URL event, the signers, the soak plan."""

from __future__ import annotations

import base64

import pytest

import local  # noqa: F401 - the Lambda code on sys.path, as `python -m local` has it
from local import runtime
from local.runtime import SettingsError, check_settings, function_url_event
from local.samples import PROVIDERS, STORED_KINDS
from local.soak import SoakPlan, plan_sends
from webhook_processor.config import PROVIDER_DEFAULTS
from webhook_processor.signatures import Reason, verifier


def test_function_url_event_keeps_text_bodies_and_base64_encodes_the_rest() -> None:
    text = function_url_event("POST", "/stripe", "a=1", {"Content-Type": "application/json",
                              "Stripe-Signature": "t=1"}, b'{"id": 1}')  # fmt: skip
    assert text["body"] == '{"id": 1}'
    assert text["isBase64Encoded"] is False
    assert text["headers"]["stripe-signature"] == "t=1"
    assert text["rawPath"] == "/stripe"
    assert text["rawQueryString"] == "a=1"
    assert text["requestContext"]["http"] == {**text["requestContext"]["http"],
                                              "method": "POST", "path": "/stripe"}  # fmt: skip
    assert isinstance(text["requestContext"]["timeEpoch"], int)
    binary = function_url_event("POST", "/x", "", {"content-type": "application/octet-stream"},
                                b"\xff\x00")  # fmt: skip
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\xff\x00"


@pytest.mark.parametrize("name", sorted(PROVIDERS))
@pytest.mark.parametrize("kind", [*STORED_KINDS, "ignored"])
def test_sample_deliveries_verify_with_the_receivers_own_verifier(name: str, kind: str) -> None:
    provider = PROVIDERS[name]
    check = verifier(name, {**PROVIDER_DEFAULTS.get(name, {}), **provider.settings})
    body, headers = provider.delivery(kind, 7)
    assert check(headers, body)
    forged_body, forged_headers = provider.delivery(kind, 7, forged=True)
    assert check(forged_headers, forged_body).reason == Reason.BAD_SIGNATURE


def test_settings_the_receiver_cannot_read_are_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="'tolerance' is not one the deployed receiver reads"):
        check_settings("stripe", {"secret": "whsec_x", "tolerance": 10})
    with pytest.raises(SettingsError, match="'notification_url' is required"):
        check_settings("square", {"signature_key": "k"})
    with pytest.raises(SettingsError, match="routes only"):
        check_settings("nosuch", {})


def test_the_soak_plan_is_reproducible_and_mixes_what_it_promises() -> None:
    providers = {n: PROVIDERS[n] for n in ("stripe", "square")}
    plan = SoakPlan(deliveries=400, seed=3)
    groups = plan_sends(plan, providers)
    assert [[s.body for s in g] for g in groups] == [
        [s.body for s in g] for g in plan_sends(plan, providers)
    ]
    sends = [s for g in groups for s in g]
    assert any(len(g) == 2 for g in groups)  # duplicates sent at once
    ids = [s.event_id for s in sends if s.event_id]
    assert len(ids) > len(set(ids))  # redeliveries
    assert {s.provider for s in sends} == {"stripe", "square"}
    assert sum(s.kind == "poison" for s in sends) == 2 * plan.poison
    first: dict[str, str] = {}
    for send in sends:
        if send.event_id:
            first.setdefault(f"{send.provider}{send.event_id[-8:]}", send.kind)
    assert set(first.values()) == set(STORED_KINDS)  # some transactions start with a refund


def test_the_faster_retention_check_still_drops_what_sqs_would_have_deleted() -> None:
    import boto3
    from moto import mock_aws
    from moto.sqs.models import sqs_backends

    runtime._speed_up_moto()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="q", Attributes={"MessageRetentionPeriod": "60"})[
            "QueueUrl"
        ]
        for body in ("fresh", "expired"):
            sqs.send_message(QueueUrl=url, MessageBody=body)
        queue = sqs_backends[runtime.ACCOUNT]["us-east-1"].get_queue("q")
        fresh, expired = queue._messages
        expired.sent_timestamp -= 61_000
        backend = sqs_backends[runtime.ACCOUNT]["us-east-1"]
        assert runtime._within_retention(backend, "q", fresh)
        assert not runtime._within_retention(backend, "q", expired)
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in received] == ["fresh"]
