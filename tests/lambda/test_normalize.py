"""Normalisation: each provider's events become the same record, or are ignored, or are poison."""

from __future__ import annotations

import contextlib
import copy
import json
from importlib import resources

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from webhook_processor.exceptions import PoisonMessageError
from webhook_processor.normalize import normalize
from webhook_processor.normalize._common import from_rfc3339, minor_units
from webhook_processor.records import Lifecycle, Status

from .provider_events import (
    CASES,
    adyen_item,
    payload,
    paypal_payload,
    square_payload,
    stripe_payload,
)

RECEIVED = "2024-11-27T00:00:01.000000Z"
SCHEMA = json.loads(
    resources.files("webhook_processor")
    .joinpath("schemas/transaction-record.schema.json")
    .read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _normalize(provider, data):
    return normalize(provider, data, received_at=RECEIVED, correlation_id="req-1")


def _from_item(item):
    """A DynamoDB item read back as the JSON record it stores."""
    return {name: int(value["N"]) if "N" in value else value["S"] for name, value in item.items()}


# Everything a stored record may hold: identifiers, amounts, status and times. No customer,
# card, address or free-text field of the provider payload survives normalisation.
RECORD_FIELDS = {
    "schema_version", "transaction_id", "timestamp", "provider", "event_id", "event_type",
    "object_id", "status", "lifecycle", "amount", "currency", "occurred_at", "received_at",
    "correlation_id",
}  # fmt: skip
OPTIONAL_FIELDS = {"refunded_total"}


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.provider}-{c.event_type}")
def test_stored_events_become_records(case):
    record = _normalize(case.provider, payload(case.provider, case.event_type, "note"))
    assert record is not None
    assert record.transaction_id == case.transaction_id
    assert record.timestamp == case.fact
    assert (record.status, record.lifecycle) == (Status(case.status), Lifecycle(case.lifecycle))
    assert (record.amount, record.currency) == (case.amount, case.currency)
    assert (record.provider, record.event_type) == (case.provider, case.event_type)
    assert (record.received_at, record.correlation_id) == (RECEIVED, "req-1")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.provider}-{c.event_type}")
def test_the_message_and_the_item_follow_the_published_schema(case):
    record = _normalize(case.provider, payload(case.provider, case.event_type, "note"))
    assert record is not None
    message = json.loads(record.to_message())
    VALIDATOR.validate(message)
    assert _from_item(record.to_item()) == message


@pytest.mark.evidence("3.2.1")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.provider}-{c.event_type}")
def test_stored_items_hold_only_the_minimum_fields(case):
    record = _normalize(case.provider, payload(case.provider, case.event_type, "note"))
    assert record is not None
    for fields in (set(record.to_item()), set(json.loads(record.to_message()))):
        assert RECORD_FIELDS <= fields <= RECORD_FIELDS | OPTIONAL_FIELDS
    assert set(SCHEMA["properties"]) == RECORD_FIELDS | OPTIONAL_FIELDS


@pytest.mark.parametrize(
    "change",
    [{"amount": -1}, {"status": "refunded"}, {"lifecycle": "dispute_won"}, {"extra": 1},
     {"schema_version": 1}, {"event_id": "evt_[REDACTED]"}, {"occurred_at": "yesterday"}],
)  # fmt: skip
def test_the_schema_refuses_what_the_contract_forbids(change):
    record = _normalize("stripe", stripe_payload("payment_intent.succeeded"))
    assert record is not None
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(json.loads(record.to_message()) | change)


def test_the_sns_attributes_carry_status_lifecycle_and_version():
    record = _normalize("square", square_payload("refund.updated", state="FAILED"))
    assert record is not None
    assert record.message_attributes() == {
        "provider": {"DataType": "String", "StringValue": "square"},
        "status": {"DataType": "String", "StringValue": "refunded"},
        "lifecycle": {"DataType": "String", "StringValue": "refund_failed"},
        "currency": {"DataType": "String", "StringValue": "USD"},
        "amount": {"DataType": "Number", "StringValue": "500"},
        "schema_version": {"DataType": "Number", "StringValue": "2"},
    }


def test_every_report_of_one_capture_is_one_fact():
    """Stripe reports a capture as the intent's and the charge's events; Square repeats
    payment.updated whenever a completed payment changes: one record each."""
    stripe = {
        _normalize("stripe", stripe_payload(t)).key
        for t in ("payment_intent.succeeded", "charge.succeeded", "charge.captured")
    }
    later = square_payload("payment.updated")
    later["event_id"] = "9a1f2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    later["data"]["object"]["payment"]["refunded_money"] = {"amount": 500, "currency": "USD"}
    square = {_normalize("square", square_payload(t)).key for t in ("payment.created",
              "payment.updated")} | {_normalize("square", later).key}  # fmt: skip
    assert len(stripe) == len(square) == 1


def test_distinct_facts_have_distinct_keys():
    facts = {c.fact for c in CASES}
    records = [_normalize(c.provider, payload(c.provider, c.event_type)) for c in CASES]
    assert len({r.key for r in records}) == len({(c.transaction_id, c.fact) for c in CASES})
    assert len(facts) < len(CASES)  # the corpus does hold repeated reports of one fact


def _charge_refunded(cumulative, refunds):
    event = stripe_payload("charge.refunded")
    event["id"] = f"evt_refunded_{cumulative}"
    charge = event["data"]["object"]
    charge["amount_refunded"] = cumulative
    charge["refunds"]["data"] = [
        {**charge["refunds"]["data"][0], "id": f"re_{n}", "amount": amount, "created": n}
        for n, amount in refunds
    ]
    return event


def test_amounts_of_two_partial_refunds_sum_to_the_refunded_total():
    """The downstream view: summing ``amount`` over refund records gives what was refunded,
    though Stripe's charge carries the running total."""
    first = _charge_refunded(500, [(1, 500)])
    second = _charge_refunded(1200, [(2, 700), (1, 500)])  # Stripe lists the newest first
    records = [_normalize("stripe", event) for event in (first, second, first)]
    unique = {r.key: r for r in records}
    assert sum(r.amount for r in unique.values()) == 1200
    assert [r.refunded_total for r in records[:2]] == [500, 1200]


def test_an_old_rendering_without_a_refund_list_uses_the_previous_running_total():
    event = _charge_refunded(1200, [])
    del event["data"]["object"]["refunds"]
    event["data"]["previous_attributes"] = {"amount_refunded": 500}
    record = _normalize("stripe", event)
    assert record is not None
    assert (record.amount, record.refunded_total) == (700, 1200)
    assert record.timestamp == "refund#ch_3MmlLrLkdIwHu7ix0snN0B15@1200#succeeded"
    del event["data"]["previous_attributes"]
    with pytest.raises(PoisonMessageError, match="no previous amount_refunded"):
        _normalize("stripe", event)


def test_a_pre_2014_rendering_lists_refunds_as_a_plain_array_without_ids():
    event = _charge_refunded(1200, [])
    charge = event["data"]["object"]
    charge["refunds"] = [  # API versions before 2014-06-17: an array, refunds without id
        {"amount": 500, "currency": "usd", "created": 1, "object": "refund"},
        {"amount": 700, "currency": "usd", "created": 2, "object": "refund"},
    ]
    record = _normalize("stripe", event)
    assert record is not None
    assert (record.amount, record.refunded_total) == (700, 1200)
    assert record.timestamp == "refund#ch_3MmlLrLkdIwHu7ix0snN0B15@1200#succeeded"
    charge["refunds"] = [
        {**refund, "id": f"re_{refund['created']}"} for refund in charge["refunds"]
    ]
    record = _normalize("stripe", event)
    assert record is not None
    assert (record.amount, record.object_id, record.timestamp) == (
        700,
        "re_2",
        "refund#re_2#succeeded",
    )


def test_an_old_rendering_without_amount_captured_uses_the_amount():
    event = stripe_payload("charge.succeeded")
    event["api_version"] = "2017-08-15"
    del event["data"]["object"]["amount_captured"]
    del event["data"]["object"]["payment_intent"]
    record = _normalize("stripe", event)
    assert record is not None
    assert (record.transaction_id, record.amount) == ("stripe:ch_3MmlLrLkdIwHu7ix0snN0B15", 2000)


IGNORED = [
    ("stripe", stripe_payload("customer.created")),
    ("stripe", stripe_payload("payment_intent.payment_failed")),
    ("stripe", stripe_payload("payment_intent.created")),
    ("stripe", stripe_payload("invoice.paid")),
    ("paypal", paypal_payload("PAYMENT.CAPTURE.DENIED")),
    ("paypal", paypal_payload("PAYMENT.CAPTURE.PENDING")),
    ("paypal", paypal_payload("BILLING.SUBSCRIPTION.CREATED")),
    ("square", square_payload("customer.created")),
    ("square", square_payload("payment.updated", state="APPROVED")),
    ("square", square_payload("refund.created", state="PENDING")),
    ("square", square_payload("refund.updated", state="REJECTED")),
    ("adyen", adyen_item("REPORT_AVAILABLE")),
    ("adyen", adyen_item("AUTHORISATION", success="false")),
    ("adyen", adyen_item("REFUND", success="false")),
    ("adyen", adyen_item("CANCEL_OR_REFUND") | {"additionalData": {
        "modification.action": "cancel"}}),
]  # fmt: skip


def test_the_corpus_names_at_least_ten_ignored_event_types():
    assert len({(p, json.dumps(d, sort_keys=True)[:0] or _type(d)) for p, d in IGNORED}) >= 10


def _type(data):
    return data.get("type") or data.get("event_type") or data.get("eventCode")


@pytest.mark.parametrize(("provider", "data"), IGNORED, ids=lambda v: v if isinstance(v, str)
                         else _type(v))  # fmt: skip
def test_other_events_are_ignored(provider, data):
    assert _normalize(provider, data) is None


def test_an_uncaptured_charge_is_not_a_completed_payment():
    data = stripe_payload("charge.succeeded")
    data["data"]["object"]["captured"] = False
    assert _normalize("stripe", data) is None


@pytest.mark.parametrize(
    ("provider", "value", "currency", "minor"),
    [
        # Stripe: ISK is sent with two decimals (docs.stripe.com/currencies#special-cases);
        # HUF and TWD are two-decimal in Stripe as in ISO 4217; JPY and UGX zero-decimal.
        ("stripe", 50000, "isk", 500), ("stripe", 100000, "huf", 100000),
        ("stripe", 3000, "twd", 3000), ("stripe", 500, "jpy", 500), ("stripe", 7000, "ugx", 7000),
        ("stripe", 5120, "kwd", 5120),
        # PayPal: HUF, JPY and TWD without decimals; converted by ISO's exponent.
        ("paypal", "1000", "HUF", 100000), ("paypal", "1000", "JPY", 1000),
        ("paypal", "30", "TWD", 3000), ("paypal", "1.234", "KWD", 1234),
        # Adyen (docs.adyen.com/development-resources/currency-codes): CLP and ISK with two
        # decimals, CVE and IDR with none, though ISO 4217 says otherwise.
        ("adyen", 100000, "CLP", 1000), ("adyen", 500, "ISK", 5),
        ("adyen", 10000, "IDR", 1000000), ("adyen", 250, "CVE", 25000),
        ("adyen", 1000, "JPY", 1000), ("adyen", 1000, "BHD", 1000),
    ],
)  # fmt: skip
def test_amounts_are_in_iso_4217_minor_units(provider, value, currency, minor):
    if provider == "stripe":
        data = stripe_payload("payment_intent.succeeded")
        data["data"]["object"].update(amount_received=value, currency=currency)
    elif provider == "paypal":
        data = paypal_payload("PAYMENT.CAPTURE.COMPLETED")
        data["resource"]["amount"] = {"value": value, "currency_code": currency}
    else:
        data = adyen_item("CAPTURE", currency=currency, value=value)
    record = _normalize(provider, data)
    assert record is not None
    assert (record.amount, record.currency) == (minor, currency.upper())


def test_an_amount_finer_than_the_providers_unit_is_poison():
    data = stripe_payload("payment_intent.succeeded")
    data["data"]["object"].update(amount_received=50050, currency="isk")  # 500.5 ISK
    with pytest.raises(PoisonMessageError, match="not a non-negative ISK amount"):
        _normalize("stripe", data)


@pytest.mark.parametrize(
    ("field_path", "value"),
    [(("id",), "evt_4111111111111111"), (("data", "object", "id"), "pi_4111111111111111"),
     (("data", "object", "id"), "pi_[REDACTED]"),
     (("data", "object", "id"), "pi_0004111111111111111")],  # zeros hide no card number
)  # fmt: skip
def test_an_identifier_holding_a_card_number_is_poison_and_never_rewritten(field_path, value):
    data = _with(stripe_payload("payment_intent.succeeded"), value, *field_path)
    with pytest.raises(PoisonMessageError) as raised:
        _normalize("stripe", data)
    assert "4111111111111111" not in str(raised.value)
    assert "holds a card number" in str(raised.value)


@pytest.mark.parametrize(
    ("field_path", "value"),
    [(("id",), "evt_4111111111111113"),  # fails Luhn in every window
     (("id",), "evt_00000000000000"),  # passes Luhn, but no card number begins 00
     (("data", "object", "id"), "pi_000000000000000000000000")],
)  # fmt: skip
def test_identifiers_that_only_look_numeric_are_kept_verbatim(field_path, value):
    data = _with(stripe_payload("payment_intent.succeeded"), value, *field_path)
    record = _normalize("stripe", data)
    assert record is not None
    message = json.loads(record.to_message())
    assert value in (message["event_id"], message["object_id"])


def _without(data, *path):
    copied = copy.deepcopy(data)
    node = copied
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return copied


def _with(data, value, *path):
    copied = copy.deepcopy(data)
    node = copied
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copied


@pytest.mark.parametrize(
    ("provider", "data", "message"),
    [
        ("stripe", _without(stripe_payload("charge.refunded"), "id"), "missing field 'id'"),
        ("stripe", _with(stripe_payload("charge.refunded"), -5, "data", "object",
                         "amount_refunded"), "is negative"),
        ("stripe", _with(stripe_payload("charge.refunded"), "20", "data", "object",
                         "amount_refunded"), "is str, expected int"),
        ("stripe", _with(stripe_payload("charge.refunded"), "dollars", "data", "object",
                         "currency"), "not an ISO 4217 currency"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.COMPLETED"), "20.001", "resource",
                         "amount", "value"), "not a non-negative USD amount"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.COMPLETED"), "2024-11-27 00:00",
                         "create_time"), "not an RFC 3339 time"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.REFUNDED"), [], "resource", "links"),
         "no 'up' link"),
        ("paypal", _with(paypal_payload("PAYMENT.CAPTURE.REFUNDED"), True, "resource", "links"),
         "field 'links' is bool"),
        ("paypal", _with(paypal_payload("CUSTOMER.DISPUTE.CREATED"), [], "resource",
                         "disputed_transactions"), "no disputed_transactions"),
        ("square", _without(square_payload("dispute.created"), "data", "object", "dispute",
                            "disputed_payment"), "missing field 'disputed_payment.payment_id'"),
        ("square", _with(square_payload("payment.updated"), True, "data", "object", "payment",
                         "total_money", "amount"), "is bool, expected int"),
        ("stripe", _with(stripe_payload("payment_intent.succeeded"), 10**12, "data", "object",
                         "amount_received"), "outside 0.."),
        ("stripe", ["not", "an", "object"], "payload is list"),
        ("adyen", {"notificationItems": [{"NotificationRequestItem": adyen_item("REFUND")}] * 2},
         "carries 2 items"),
        ("worldpay", {"live": "false"}, "no normaliser for provider 'worldpay'"),
    ],
)  # fmt: skip
def test_malformed_events_are_poison(provider, data, message):
    with pytest.raises(PoisonMessageError, match=message):
        _normalize(provider, data)


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [("20.00", "USD", 2000), ("0.5", "EUR", 50), ("1000", "JPY", 1000), ("1.234", "KWD", 1234),
     ("12", "HUF", 1200), ("1e2", "USD", 10000)],
)  # fmt: skip
def test_decimal_amounts_convert_to_minor_units(value, currency, minor):
    assert minor_units(value, currency) == minor


@pytest.mark.parametrize(
    ("value", "currency"),
    [("1.5", "JPY"), ("-1.00", "USD"), ("NaN", "USD"), ("1,00", "EUR"), ("1", "XAU")],
)
def test_amounts_that_do_not_fit_the_currency_are_refused(value, currency):
    with pytest.raises(PoisonMessageError):
        minor_units(value, currency)


def test_event_times_are_converted_to_utc():
    assert from_rfc3339("2024-11-26T23:59:58-08:00") == "2024-11-27T07:59:58.000000Z"
    assert from_rfc3339("2024-11-27T00:00:00.123Z") == "2024-11-27T00:00:00.123000Z"


@pytest.mark.parametrize("created", [10**20, -(10**20), 253402300800])
def test_event_times_out_of_range_are_poison(created):
    data = _with(stripe_payload("charge.refunded"), created, "created")
    with pytest.raises(PoisonMessageError, match="event time"):
        _normalize("stripe", data)


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


def _total(provider, data):
    """The normaliser's contract: a valid record, None, or PoisonMessageError, nothing else."""
    with contextlib.suppress(PoisonMessageError):
        record = _normalize(provider, data)
        if record is not None:
            VALIDATOR.validate(json.loads(record.to_message()))


@given(case=st.sampled_from(CASES), data=st.data(), value=JSON_VALUES)
def test_any_corruption_of_a_stored_event_is_a_record_none_or_poison(case, data, value):
    """A verified payload can never crash the processor (that would fail the whole batch)."""
    event = payload(case.provider, case.event_type)
    path = data.draw(st.sampled_from(list(_paths(event))))
    _total(case.provider, _with(event, value, *path))


@given(case=st.sampled_from(CASES), data=st.data())
def test_any_field_removed_is_a_record_none_or_poison(case, data):
    event = payload(case.provider, case.event_type)
    _total(case.provider, _without(event, *data.draw(st.sampled_from(list(_paths(event))))))


@given(provider=st.sampled_from(["stripe", "paypal", "square", "adyen"]), value=JSON_VALUES)
def test_any_json_value_is_a_record_none_or_poison(provider, value):
    _total(provider, value)
