"""Normalisation: each provider's events become the same record, or are ignored, or are poison."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import normalize
from webhook_processor.normalize._common import from_rfc3339, minor_units
from webhook_processor.records import Status

from .provider_events import CASES, payload, paypal_payload, square_payload, stripe_payload

RECEIVED = "2024-11-27T00:00:01.000000Z"
EVENT_TIMES = {
    ("stripe", "payment_intent.succeeded"): "2024-11-27T00:00:00.000000Z",
    ("paypal", "PAYMENT.CAPTURE.COMPLETED"): "2024-11-27T00:00:00.000000Z",
    ("square", "payment.updated"): "2024-11-27T00:00:00.000000Z",
}


def _normalize(provider, data):
    return normalize(provider, data, received_at=RECEIVED, correlation_id="req-1")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.provider}-{c.event_type}")
def test_stored_events_become_records(case):
    record = _normalize(case.provider, payload(case.provider, case.event_type, "note"))
    assert record is not None
    assert record.transaction_id == case.transaction_id
    assert record.status == Status(case.status)
    assert (record.amount, record.currency) == (case.amount, case.currency)
    assert (record.provider, record.event_id, record.event_type) == (
        case.provider,
        case.event_id,
        case.event_type,
    )
    assert record.timestamp == f"{record.occurred_at}#{case.event_id}"
    assert (record.received_at, record.correlation_id) == (RECEIVED, "req-1")
    expected_time = EVENT_TIMES.get((case.provider, case.event_type))
    if expected_time:
        assert record.occurred_at == expected_time


# Everything a stored record may hold: identifiers, amount, status and times. No customer,
# card, address or free-text field of the provider payload survives normalisation.
RECORD_FIELDS = {
    "transaction_id",
    "timestamp",
    "provider",
    "event_id",
    "event_type",
    "object_id",
    "status",
    "amount",
    "currency",
    "occurred_at",
    "received_at",
    "correlation_id",
}


@pytest.mark.evidence("3.2.1")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.provider}-{c.event_type}")
def test_stored_items_hold_only_the_minimum_fields(case):
    data = payload(case.provider, case.event_type, "note")
    record = _normalize(case.provider, data)
    assert record is not None
    assert set(record.to_item()) == RECORD_FIELDS
    assert set(json.loads(record.to_message())) == RECORD_FIELDS


def test_two_events_of_one_transaction_have_distinct_keys():
    records = [_normalize(c.provider, payload(c.provider, c.event_type)) for c in CASES]
    assert len({r.key for r in records if r}) == len(CASES)
    assert len({r.transaction_id for r in records if r}) == 3  # one payment per provider


def test_object_ids_name_the_refund_or_dispute():
    refund = _normalize("paypal", paypal_payload("PAYMENT.CAPTURE.REFUNDED"))
    dispute = _normalize("stripe", stripe_payload("charge.dispute.created"))
    assert refund is not None
    assert refund.object_id == "1Y107995YT783435V"
    assert dispute is not None
    assert dispute.object_id == "dp_1MtJUT2eZvKYlo2CNaw2HvEv"


@pytest.mark.parametrize(
    ("provider", "data"),
    [
        ("stripe", stripe_payload("customer.created")),
        ("stripe", stripe_payload("payment_intent.payment_failed")),
        ("paypal", paypal_payload("PAYMENT.CAPTURE.DENIED")),
        ("square", square_payload("customer.created")),
        ("square", square_payload("payment.updated", state="APPROVED")),
        ("square", square_payload("refund.created", state="PENDING")),
        ("square", square_payload("refund.updated", state="FAILED")),
        ("square", square_payload("refund.updated", state="REJECTED")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_other_events_are_ignored(provider, data):
    assert _normalize(provider, data) is None


def test_an_uncaptured_charge_is_not_a_completed_payment():
    data = stripe_payload("charge.succeeded")
    data["data"]["object"]["captured"] = False
    assert _normalize("stripe", data) is None


def _without(data, *path):
    copy = json.loads(json.dumps(data))
    node = copy
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return copy


def _with(data, value, *path):
    copy = json.loads(json.dumps(data))
    node = copy
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copy


@pytest.mark.parametrize(
    ("provider", "data", "message"),
    [
        ("stripe", _without(stripe_payload("charge.refunded"), "id"), "missing field 'id'"),
        ("stripe", _with(stripe_payload("charge.refunded"), -5, "data", "object",
                         "amount_refunded"), "'amount_refunded' is negative"),
        ("stripe", _with(stripe_payload("charge.refunded"), "20", "data", "object",
                         "amount_refunded"), "is str, expected int"),
        ("stripe", _with(stripe_payload("charge.refunded"), "dollars", "data", "object",
                         "currency"), "not an ISO 4217 code"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.COMPLETED"), "20.001", "resource",
                         "amount", "value"), "not a non-negative USD amount"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.COMPLETED"), "2024-11-27 00:00",
                         "create_time"), "not an RFC 3339 time"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.REFUNDED"), [], "resource", "links"),
         "no 'up' link"),
        ("paypal", _with(paypal_payload("CUSTOMER.DISPUTE.CREATED"), [], "resource",
                         "disputed_transactions"), "no disputed_transactions"),
        ("square", _without(square_payload("dispute.created"), "data", "object", "dispute",
                            "disputed_payment"), "missing field 'disputed_payment.payment_id'"),
        ("square", _with(square_payload("payment.updated"), True, "data", "object", "payment",
                         "total_money", "amount"), "is bool, expected int"),
        ("stripe", _with(stripe_payload("charge.refunded"), 10**12, "data", "object",
                         "amount_refunded"), "outside 0.."),
        ("stripe", ["not", "an", "object"], "payload is list"),
        ("adyen", {"live": "false"}, "no normaliser for provider 'adyen'"),
    ],
)  # fmt: skip
def test_malformed_events_are_poison(provider, data, message):
    with pytest.raises(PoisonMessageError, match=message):
        _normalize(provider, data)


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [("20.00", "USD", 2000), ("0.5", "EUR", 50), ("1000", "JPY", 1000), ("1.234", "KWD", 1234),
     ("12", "HUF", 12), ("1e2", "USD", 10000)],
)  # fmt: skip
def test_decimal_amounts_convert_to_minor_units(value, currency, minor):
    assert minor_units(value, currency) == minor


@pytest.mark.parametrize(
    ("value", "currency"), [("1.5", "JPY"), ("-1.00", "USD"), ("NaN", "USD"), ("1,00", "EUR")]
)
def test_amounts_that_do_not_fit_the_currency_are_refused(value, currency):
    with pytest.raises(PoisonMessageError):
        minor_units(value, currency)


def test_event_times_are_converted_to_utc():
    assert from_rfc3339("2024-11-26T23:59:58-08:00") == "2024-11-27T07:59:58.000000Z"
    assert from_rfc3339("2024-11-27T00:00:00.123Z") == "2024-11-27T00:00:00.123000Z"


def test_records_serialise_for_dynamodb_and_sns():
    record = _normalize("square", square_payload("payment.updated"))
    assert record is not None
    item = record.to_item()
    assert item["amount"] == {"N": "2300"}
    assert item["status"] == {"S": "completed"}
    assert item["transaction_id"] == {"S": "square:KkAkhdMsgzn59SM8A89WgKwekxLZY"}
    assert json.loads(record.to_message())["amount"] == 2300
    assert record.message_attributes() == {
        "provider": {"DataType": "String", "StringValue": "square"},
        "status": {"DataType": "String", "StringValue": "completed"},
        "currency": {"DataType": "String", "StringValue": "USD"},
        "amount": {"DataType": "Number", "StringValue": "2300"},
    }


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


@given(case=st.sampled_from(CASES), data=st.data(), value=JSON_VALUES)
def test_any_corruption_of_a_stored_event_is_a_record_none_or_poison(case, data, value):
    """A verified payload can never crash the processor (that would fail the whole batch)."""
    event = payload(case.provider, case.event_type)
    path = data.draw(st.sampled_from(list(_paths(event))))
    corrupted = _with(event, value, *path)
    with contextlib.suppress(PoisonMessageError):
        _normalize(case.provider, corrupted)


@pytest.mark.parametrize("created", [10**20, -(10**20), 253402300800])
def test_event_times_out_of_range_are_poison(created):
    data = _with(stripe_payload("charge.refunded"), created, "created")
    with pytest.raises(PoisonMessageError, match="event time"):
        _normalize("stripe", data)
