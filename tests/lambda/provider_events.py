"""Realistic provider deliveries for the handler tests, shaped after each provider's docs.

Stripe: https://docs.stripe.com/api/events/object (PaymentIntent, Charge, Dispute objects);
PayPal: https://developer.paypal.com/api/rest/webhooks/event-names/ (v2 captures, refunds,
disputes); Square: https://developer.squareup.com/reference/square/webhooks (payment.updated,
refund.created/updated, dispute.created). ``note`` goes into each provider's free-text fields
(descriptions, metadata, notes), where a merchant might paste a card number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import stripe

STRIPE_SECRET = "whsec_test_5b1b5e2f0f6d4c1e9a7d3c2b1a0f9e8d"
SQUARE_KEY = "sq0wsk-test-signature-key-7Hk2PqLm"
SQUARE_URL = "https://hooks.example.com/square"
PAYPAL_WEBHOOK_ID = "8PT597110X687430LKGECATA"

EVENT_TIME = 1_732_665_600  # 2024-11-27T00:00:00Z


def _stripe_event(event_type: str, obj: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": EVENT_TIME,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_8Xq3mZ1aB2cD4e", "idempotency_key": str(uuid.uuid4())},
        "type": event_type,
    }


def _stripe_charge(note: str, *, refunded: int = 0) -> dict[str, Any]:
    return {
        "id": "ch_3MmlLrLkdIwHu7ix0snN0B15",
        "object": "charge",
        "amount": 2000,
        "amount_captured": 2000,
        "amount_refunded": refunded,
        "balance_transaction": "txn_3MmlLrLkdIwHu7ix0uke3Ezy",
        "billing_details": {"address": {"country": "US", "postal_code": "94103"}, "name": note},
        "captured": True,
        "created": EVENT_TIME - 5,
        "currency": "usd",
        "customer": "cus_NffrFeUfNV2Hib",
        "description": note,
        "metadata": {"order_id": "6735", "note": note},
        "paid": True,
        "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "payment_method": "pm_1MtwBwLkdIwHu7ixYx0m1Q3q",
        "payment_method_details": {
            "card": {
                "brand": "visa",
                "country": "US",
                "exp_month": 8,
                "exp_year": 2027,
                "fingerprint": "Xt5EWLLDS7FJjR1c",
                "funding": "credit",
                "last4": "4242",
                "network": "visa",
            },
            "type": "card",
        },
        "refunded": refunded == 2000,
        "refunds": {"object": "list", "data": [_stripe_refund(refunded)] if refunded else []},
        "status": "succeeded",
    }


def _stripe_refund(amount: int, status: str = "succeeded") -> dict[str, Any]:
    return {
        "id": "re_3MmlLrLkdIwHu7ix0XVBjRZp",
        "object": "refund",
        "amount": amount,
        "charge": "ch_3MmlLrLkdIwHu7ix0snN0B15",
        "created": EVENT_TIME - 1,
        "currency": "usd",
        "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "status": status,
    }


def stripe_payload(event_type: str, note: str = "") -> dict[str, Any]:
    """A Stripe event of ``event_type`` (the four the platform stores, or any other)."""
    if event_type == "payment_intent.succeeded":
        obj: dict[str, Any] = {
            "id": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "object": "payment_intent",
            "amount": 2000,
            "amount_capturable": 0,
            "amount_received": 2000,
            "capture_method": "automatic",
            "currency": "usd",
            "customer": "cus_NffrFeUfNV2Hib",
            "description": note,
            "latest_charge": "ch_3MmlLrLkdIwHu7ix0snN0B15",
            "metadata": {"note": note},
            "payment_method": "pm_1MtwBwLkdIwHu7ixYx0m1Q3q",
            "payment_method_types": ["card"],
            "status": "succeeded",
        }
        return _stripe_event(event_type, obj, "evt_1NG8Du2eZvKYlo2CUI79vXWy")
    if event_type in {"charge.succeeded", "charge.captured"}:
        event_id = {"charge.succeeded": "evt_3MmlLrLkdIwHu7ix0Y1sDkVb"}.get(
            event_type, "evt_3MmlLrLkdIwHu7ix0Cpt1Abc"
        )
        return _stripe_event(event_type, _stripe_charge(note), event_id)
    if event_type == "charge.refund.updated":
        refund = _stripe_refund(500, "failed") | {"failure_reason": "expired_or_canceled_card"}
        return _stripe_event(event_type, refund, "evt_3MmlLrLkdIwHu7ix0Fa1lEdR")
    if event_type == "charge.refunded":
        charge = _stripe_charge(note, refunded=500)
        return _stripe_event(event_type, charge, "evt_3MmlLrLkdIwHu7ix1Rf2uQ3c")
    if event_type.startswith("charge.dispute."):
        status = {
            "charge.dispute.closed": "lost",
            "charge.dispute.updated": "under_review",
            "charge.dispute.funds_reinstated": "won",
        }.get(event_type, "needs_response")
        obj = {
            "id": "dp_1MtJUT2eZvKYlo2CNaw2HvEv",
            "object": "dispute",
            "amount": 2000,
            "charge": "ch_3MmlLrLkdIwHu7ix0snN0B15",
            "created": EVENT_TIME - 60,
            "currency": "usd",
            "evidence": {"customer_name": note, "uncategorized_text": note},
            "is_charge_refundable": True,
            "metadata": {},
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "reason": "fraudulent",
            "status": status,
        }
        event_id = {"charge.dispute.created": "evt_1MtJUU2eZvKYlo2Cq9JYdB9E"}.get(
            event_type, "evt_1MtJUU2eZvKYlo2C" + event_type.rsplit(".", 1)[-1][:8]
        )
        return _stripe_event(event_type, obj, event_id)
    return _stripe_event(event_type, {"id": "cus_NffrFeUfNV2Hib", "object": "customer"}, "evt_x")


def _paypal_links(kind: str, object_id: str) -> list[dict[str, str]]:
    base = "https://api.paypal.com/v2/payments"
    return [
        {"href": f"{base}/{kind}/{object_id}", "rel": "self", "method": "GET"},
        {"href": f"{base}/captures/42311647XV020574X", "rel": "up", "method": "GET"},
    ]


def paypal_payload(event_type: str, note: str = "") -> dict[str, Any]:
    """A PayPal webhook event of ``event_type``."""
    if event_type == "PAYMENT.CAPTURE.COMPLETED":
        resource: dict[str, Any] = {
            "id": "42311647XV020574X",
            "amount": {"currency_code": "USD", "value": "20.00"},
            "final_capture": True,
            "seller_protection": {"status": "ELIGIBLE"},
            "seller_receivable_breakdown": {
                "gross_amount": {"currency_code": "USD", "value": "20.00"},
                "paypal_fee": {"currency_code": "USD", "value": "0.88"},
                "net_amount": {"currency_code": "USD", "value": "19.12"},
            },
            "invoice_id": "INV-6735",
            "custom_id": note,
            "note_to_payer": note,
            "status": "COMPLETED",
            "supplementary_data": {"related_ids": {"order_id": "5O190127TN364715T"}},
            "create_time": "2024-11-26T23:59:58Z",
            "update_time": "2024-11-26T23:59:58Z",
            "links": _paypal_links("captures", "42311647XV020574X")[:1],
        }
        event_id, summary = "WH-58D329510W468432D-8HN650336L201105X", "Payment completed"
    elif event_type == "PAYMENT.CAPTURE.REFUNDED":
        resource = {
            "id": "1Y107995YT783435V",
            "amount": {"currency_code": "USD", "value": "5.00"},
            "note_to_payer": note,
            "seller_payable_breakdown": {
                "gross_amount": {"currency_code": "USD", "value": "5.00"},
                "net_amount": {"currency_code": "USD", "value": "4.78"},
            },
            "status": "COMPLETED",
            "create_time": "2024-11-26T23:59:58-08:00",
            "update_time": "2024-11-26T23:59:58-08:00",
            "links": _paypal_links("refunds", "1Y107995YT783435V"),
        }
        event_id, summary = "WH-1GE84257G0350133W-6RW800890C634293G", "A capture was refunded"
    elif event_type == "CUSTOMER.DISPUTE.CREATED":
        resource = {
            "dispute_id": "PP-D-27803",
            "create_time": "2024-11-26T23:59:00.000Z",
            "update_time": "2024-11-26T23:59:00.000Z",
            "disputed_transactions": [
                {
                    "buyer_transaction_id": "4FT30577R2438521N",
                    "seller_transaction_id": "42311647XV020574X",
                    "create_time": "2024-11-20T10:00:00.000Z",
                    "transaction_status": "COMPLETED",
                    "gross_amount": {"currency_code": "USD", "value": "20.00"},
                    "invoice_number": "INV-6735",
                    "custom": note,
                }
            ],
            "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
            "status": "WAITING_FOR_SELLER_RESPONSE",
            "dispute_amount": {"currency_code": "USD", "value": "20.00"},
            "dispute_life_cycle_stage": "INQUIRY",
            "dispute_channel": "INTERNAL",
            "messages": [{"posted_by": "BUYER", "time_posted": "2024-11-26T23:59:00Z",
                          "content": note}],
        }  # fmt: skip
        event_id, summary = "WH-4M0448861G563140B-9EX36365822141321", "A new dispute opened"
    elif event_type in {"CUSTOMER.DISPUTE.UPDATED", "CUSTOMER.DISPUTE.RESOLVED"}:
        base = paypal_payload("CUSTOMER.DISPUTE.CREATED", note)["resource"]
        if event_type.endswith("RESOLVED"):
            resource = base | {
                "status": "RESOLVED",
                "dispute_outcome": {"outcome_code": "RESOLVED_SELLER_FAVOUR"},
            }
        else:
            resource = base | {"status": "UNDER_REVIEW"}
        event_id = "WH-4M0448861G563140B-" + event_type.rsplit(".", 1)[-1]
        summary = "A dispute changed"
    elif event_type == "PAYMENT.CAPTURE.REVERSED":
        resource = {
            "id": "1GF97795YT783435V",
            "amount": {"currency_code": "USD", "value": "-20.00"},
            "note_to_payer": note,
            "status": "COMPLETED",
            "create_time": "2024-11-26T23:59:58-08:00",
            "links": _paypal_links("refunds", "1GF97795YT783435V"),
        }
        event_id, summary = "WH-6F207440UL3338829-3LY23428NF5574433", "A payment was reversed"
    elif event_type.startswith("PAYMENT.SALE."):
        sale = "4RR959492F879224U"
        resource = {
            "COMPLETED": {
                "id": sale,
                "state": "completed",
                "amount": {"total": "20.00", "currency": "USD"},
                "billing_agreement_id": "I-PE7JWXKGVN0R",
                "custom": note,
            },
            "REFUNDED": {
                "id": "0LB81696PP288253D",
                "state": "completed",
                "sale_id": sale,
                "amount": {"total": "5.00", "currency": "USD"},
                "reason": note,
            },
            "REVERSED": {
                "id": "3GD35733P6543331N",
                "state": "completed",
                "sale_id": sale,
                "amount": {"total": "-20.00", "currency": "USD"},
            },
        }[event_type.rsplit(".", 1)[-1]] | {"create_time": "2024-11-26T23:59:58Z"}
        event_id, summary = "WH-7Y7254563A4550640-" + event_type.rsplit(".", 1)[-1], "Sale"
    else:
        resource, event_id, summary = {"id": "x"}, "WH-OTHER", "Other"
    return {
        "id": event_id,
        "create_time": "2024-11-27T00:00:00.000Z",
        "resource_type": event_type.split(".")[-2].lower(),
        "event_type": event_type,
        "summary": summary,
        "resource": resource,
        "event_version": "1.0",
        "resource_version": "2.0",
        "links": [
            {
                "href": f"https://api.paypal.com/v1/notifications/webhooks-events/{event_id}",
                "rel": "self",
                "method": "GET",
            }
        ],
    }


def square_payload(event_type: str, note: str = "", *, state: str = "COMPLETED") -> dict[str, Any]:
    """A Square webhook event of ``event_type``; ``state`` is the payment/refund status."""
    money = {"amount": 2000, "currency": "USD"}
    if event_type in {"payment.created", "payment.updated"}:
        kind, obj = "payment", {
            "id": "KkAkhdMsgzn59SM8A89WgKwekxLZY",
            "amount_money": money,
            "tip_money": {"amount": 300, "currency": "USD"},
            "total_money": {"amount": 2300, "currency": "USD"},
            "approved_money": {"amount": 2300, "currency": "USD"},
            "card_details": {
                "status": "CAPTURED",
                "card": {"card_brand": "VISA", "last_4": "1111", "exp_month": 11,
                         "exp_year": 2027, "fingerprint": "sq-1-Hxim77tbdcbGejOejnoAklBVJed2",
                         "card_type": "CREDIT", "bin": "411111"},
                "entry_method": "KEYED",
                "cvv_status": "CVV_ACCEPTED",
                "avs_status": "AVS_ACCEPTED",
            },
            "location_id": "S8GWD5R9QB376",
            "order_id": "03O3USaPaAaFnI6kkwB1JxGgBsUZY",
            "note": note,
            "source_type": "CARD",
            "status": state,
            "created_at": "2024-11-26T23:59:50.123Z",
            "updated_at": "2024-11-26T23:59:59.456Z",
            "version": 3,
        }  # fmt: skip
    elif event_type in {"refund.created", "refund.updated"}:
        kind, obj = (
            "refund",
            {
                "id": "KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNSyaaZcF3GFt9NDxOKCSMXLMGUgJeDxDcbTEXk",
                "amount_money": {"amount": 500, "currency": "USD"},
                "location_id": "S8GWD5R9QB376",
                "order_id": "03O3USaPaAaFnI6kkwB1JxGgBsUZY",
                "payment_id": "KkAkhdMsgzn59SM8A89WgKwekxLZY",
                "reason": note,
                "status": state,
                "created_at": "2024-11-26T23:59:55.000Z",
                "updated_at": "2024-11-26T23:59:59.000Z",
                "version": 2,
            },
        )
    elif event_type in {"dispute.created", "dispute.state.updated"}:
        kind, obj = (
            "dispute",
            {
                "id": "5XWJjA9a8xLqZ1j3Y2b4Hm",
                "dispute_id": "5XWJjA9a8xLqZ1j3Y2b4Hm",
                "amount_money": {"amount": 2300, "currency": "USD"},
                "brand_dispute_id": "100000809947",
                "card_brand": "VISA",
                "disputed_payment": {"payment_id": "KkAkhdMsgzn59SM8A89WgKwekxLZY"},
                "due_at": "2024-12-11T00:00:00.000Z",
                "location_id": "S8GWD5R9QB376",
                "reason": "NO_KNOWLEDGE",
                "reported_at": "2024-11-26T00:00:00.000Z",
                "state": "EVIDENCE_REQUIRED"
                if event_type == "dispute.created"
                else ("WON" if state == "COMPLETED" else state),
                "created_at": "2024-11-26T23:59:58.000Z",
                "updated_at": "2024-11-26T23:59:58.000Z",
                "version": 1,
                "evidence_ids": [note] if note else [],
            },
        )
    else:
        kind, obj = "customer", {"id": "JDKYHBWT1D4F8MFH63DBMEN8Y4"}
    return {
        "merchant_id": "6SSW7HV8K2ST5",
        "type": event_type,
        "event_id": {"payment.updated": "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc",
                     "refund.created": "0e6bd07b-5f8c-4c43-a8c5-3bbd4a1f4e61",
                     "refund.updated": "b0e4f9a2-9d36-4c7e-8e34-40b1b6ed3d6c",
                     "dispute.created": "e1b8cbd8-2b41-4f07-a4a2-1e9d27d0a0d5",
                     "payment.created": "2d6b4a5e-0b3a-4e3f-9a51-1c2b3d4e5f60",
                     "dispute.state.updated": "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"}.get(
                         event_type, "11111111-2222-4333-8444-555555555555"),
        "created_at": "2024-11-27T00:00:00.000000Z",
        "data": {"type": kind, "id": obj["id"], "object": {kind: obj}},
    }  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One stored event and the record it must become (from the provider's documentation)."""

    provider: str
    event_type: str
    status: str
    lifecycle: str
    amount: int
    currency: str
    transaction_id: str
    fact: str


_PI = "stripe:pi_3MtwBwLkdIwHu7ix28a3tqPa"
_CAPTURE = "paypal:42311647XV020574X"
_SQUARE = "square:KkAkhdMsgzn59SM8A89WgKwekxLZY"
_SQUARE_REFUND = "KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNSyaaZcF3GFt9NDxOKCSMXLMGUgJeDxDcbTEXk"
_ADYEN = "adyen:M8NB66SBZSGLNK82"
_DP = "dp_1MtJUT2eZvKYlo2CNaw2HvEv"
_PP_DISPUTE = "PP-D-27803"
_SQ_DISPUTE = "5XWJjA9a8xLqZ1j3Y2b4Hm"

CASES = (
    Case("stripe", "payment_intent.succeeded", "completed", "payment_captured", 2000, "USD",
         _PI, "capture#pi_3MtwBwLkdIwHu7ix28a3tqPa"),
    Case("stripe", "charge.succeeded", "completed", "payment_captured", 2000, "USD",
         _PI, "capture#pi_3MtwBwLkdIwHu7ix28a3tqPa"),
    Case("stripe", "charge.captured", "completed", "payment_captured", 2000, "USD",
         _PI, "capture#pi_3MtwBwLkdIwHu7ix28a3tqPa"),
    Case("stripe", "charge.refunded", "refunded", "refund_succeeded", 500, "USD",
         _PI, "refund#re_3MmlLrLkdIwHu7ix0XVBjRZp#succeeded"),
    Case("stripe", "charge.refund.updated", "refunded", "refund_failed", 500, "USD",
         _PI, "refund#re_3MmlLrLkdIwHu7ix0XVBjRZp#refund_failed"),
    Case("stripe", "charge.dispute.created", "disputed", "dispute_opened", 2000, "USD",
         _PI, f"dispute#{_DP}#dispute_opened"),
    Case("stripe", "charge.dispute.updated", "disputed", "dispute_updated", 2000, "USD",
         _PI, f"dispute#{_DP}#under_review"),
    Case("stripe", "charge.dispute.closed", "disputed", "dispute_lost", 2000, "USD",
         _PI, f"dispute#{_DP}#dispute_lost"),
    Case("stripe", "charge.dispute.funds_withdrawn", "disputed", "dispute_funds_withdrawn", 2000,
         "USD", _PI, f"dispute#{_DP}#dispute_funds_withdrawn"),
    Case("stripe", "charge.dispute.funds_reinstated", "disputed", "dispute_funds_reinstated",
         2000, "USD", _PI, f"dispute#{_DP}#dispute_funds_reinstated"),
    Case("paypal", "PAYMENT.CAPTURE.COMPLETED", "completed", "payment_captured", 2000, "USD",
         _CAPTURE, "capture#42311647XV020574X"),
    Case("paypal", "PAYMENT.CAPTURE.REFUNDED", "refunded", "refund_succeeded", 500, "USD",
         _CAPTURE, "refund#1Y107995YT783435V#succeeded"),
    Case("paypal", "PAYMENT.CAPTURE.REVERSED", "disputed", "dispute_funds_withdrawn", 2000, "USD",
         _CAPTURE, "reversal#1GF97795YT783435V#dispute_funds_withdrawn"),
    Case("paypal", "PAYMENT.SALE.COMPLETED", "completed", "payment_captured", 2000, "USD",
         "paypal:4RR959492F879224U", "capture#4RR959492F879224U"),
    Case("paypal", "PAYMENT.SALE.REFUNDED", "refunded", "refund_succeeded", 500, "USD",
         "paypal:4RR959492F879224U", "refund#0LB81696PP288253D#succeeded"),
    Case("paypal", "PAYMENT.SALE.REVERSED", "disputed", "dispute_funds_withdrawn", 2000, "USD",
         "paypal:4RR959492F879224U", "reversal#3GD35733P6543331N#dispute_funds_withdrawn"),
    Case("paypal", "CUSTOMER.DISPUTE.CREATED", "disputed", "dispute_opened", 2000, "USD",
         _CAPTURE, f"dispute#{_PP_DISPUTE}#dispute_opened"),
    Case("paypal", "CUSTOMER.DISPUTE.UPDATED", "disputed", "dispute_updated", 2000, "USD",
         _CAPTURE, f"dispute#{_PP_DISPUTE}#UNDER_REVIEW"),
    Case("paypal", "CUSTOMER.DISPUTE.RESOLVED", "disputed", "dispute_won", 2000, "USD",
         _CAPTURE, f"dispute#{_PP_DISPUTE}#dispute_won"),
    Case("square", "payment.created", "completed", "payment_captured", 2300, "USD",
         _SQUARE, "capture#KkAkhdMsgzn59SM8A89WgKwekxLZY"),
    Case("square", "payment.updated", "completed", "payment_captured", 2300, "USD",
         _SQUARE, "capture#KkAkhdMsgzn59SM8A89WgKwekxLZY"),
    Case("square", "refund.created", "refunded", "refund_succeeded", 500, "USD",
         _SQUARE, f"refund#{_SQUARE_REFUND}#refund_succeeded"),
    Case("square", "refund.updated", "refunded", "refund_succeeded", 500, "USD",
         _SQUARE, f"refund#{_SQUARE_REFUND}#refund_succeeded"),
    Case("square", "dispute.created", "disputed", "dispute_opened", 2300, "USD",
         _SQUARE, f"dispute#{_SQ_DISPUTE}#dispute_opened"),
    Case("square", "dispute.state.updated", "disputed", "dispute_won", 2300, "USD",
         _SQUARE, f"dispute#{_SQ_DISPUTE}#dispute_won"),
    Case("adyen", "AUTHORISATION", "completed", "payment_authorised", 1000, "EUR",
         _ADYEN, "payment_authorised#M8NB66SBZSGLNK82"),
    Case("adyen", "CAPTURE", "completed", "payment_captured", 1000, "EUR",
         _ADYEN, "payment_captured#XCAPTURQH5BNF58M"),
    Case("adyen", "REFUND", "refunded", "refund_succeeded", 1000, "EUR",
         _ADYEN, "refund_succeeded#XREFUNDQH5BNF58M"),
    Case("adyen", "CANCEL_OR_REFUND", "refunded", "refund_succeeded", 1000, "EUR",
         _ADYEN, "refund_succeeded#XCANCELQH5BNF58M"),
    Case("adyen", "REFUND_FAILED", "refunded", "refund_failed", 1000, "EUR",
         _ADYEN, "refund_failed#XREFUNDQH5BNF58M"),
    Case("adyen", "NOTIFICATION_OF_CHARGEBACK", "disputed", "dispute_opened", 1000, "EUR",
         _ADYEN, "dispute_opened#XNOTIFIQH5BNF58M"),
    Case("adyen", "CHARGEBACK", "disputed", "dispute_funds_withdrawn", 1000, "EUR",
         _ADYEN, "dispute_funds_withdrawn#XCHARGEQH5BNF58M"),
    Case("adyen", "SECOND_CHARGEBACK", "disputed", "dispute_lost", 1000, "EUR",
         _ADYEN, "dispute_lost#XSECONDQH5BNF58M"),
    Case("adyen", "CHARGEBACK_REVERSED", "disputed", "dispute_funds_reinstated", 1000, "EUR",
         _ADYEN, "dispute_funds_reinstated#XCHARGEQH5BNF58M"),
)  # fmt: skip

ADYEN_HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
ADYEN_PAYMENT = "M8NB66SBZSGLNK82"


def adyen_item(
    event_code: str,
    note: str = "",
    *,
    success: str = "true",
    psp: str = "",
    currency: str = "EUR",
    value: int = 1000,
) -> dict[str, Any]:
    """One ``NotificationRequestItem``, shaped after Adyen's own SDK fixtures
    (adyen-python-api-library test/mocks/util/colon_notification.json; adyen-java-api-library
    src/test/resources/mocks/notification/*.json), signed with ``ADYEN_HMAC_KEY``."""
    item: dict[str, Any] = {
        "additionalData": {"cardSummary": "1111", "expiryDate": "03/2030",
                           "shopperReference": note},
        "amount": {"currency": currency, "value": value},
        "eventCode": event_code,
        "eventDate": "2024-11-27T01:00:00+01:00",
        "merchantAccountCode": "TestMerchant",
        "merchantReference": "order-6735",
        "paymentMethod": "visa",
        "pspReference": psp or (ADYEN_PAYMENT if event_code == "AUTHORISATION"
                                else f"X{event_code[:6].replace('_', '')}QH5BNF58M"[:16]),
        "reason": note,
        "success": success,
    }  # fmt: skip
    item["originalReference"] = "" if event_code == "AUTHORISATION" else ADYEN_PAYMENT
    return sign_adyen_item(item)


def sign_adyen_item(item: dict[str, Any], key_hex: str = ADYEN_HMAC_KEY) -> dict[str, Any]:
    """Sign with the Adyen SDK's own ``is_valid_hmac_notification`` as the oracle."""
    from Adyen.util import generate_notification_sig, is_valid_hmac_notification

    item["additionalData"]["hmacSignature"] = generate_notification_sig(item, key_hex).decode()
    assert is_valid_hmac_notification(item, key_hex)
    return item


def adyen_payload(event_code: str, note: str = "") -> dict[str, Any]:
    """An Adyen notification of one item (a batch is ``notificationItems`` of several)."""
    return {
        "live": "false",
        "notificationItems": [{"NotificationRequestItem": adyen_item(event_code, note)}],
    }


PAYLOADS = {"stripe": stripe_payload, "paypal": paypal_payload, "square": square_payload,
            "adyen": adyen_payload}  # fmt: skip


def payload(provider: str, event_type: str, note: str = "") -> dict[str, Any]:
    return PAYLOADS[provider](event_type, note)


def body_of(data: dict[str, Any]) -> bytes:
    """Serialised as the providers do (pretty-printed JSON; the bytes are what gets signed)."""
    return json.dumps(data, indent=2).encode()


def stripe_headers(body: bytes, secret: str = STRIPE_SECRET, at: int | None = None) -> dict:
    """Signed with the stripe SDK's own signer; its verifier must accept the result."""
    timestamp = int(time.time()) if at is None else at
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body.decode()}", secret)
    header = f"t={timestamp},v1={signature}"
    stripe.WebhookSignature.verify_header(body.decode(), header, secret, tolerance=None)
    return {"Stripe-Signature": header, "Content-Type": "application/json; charset=utf-8"}


def square_headers(body: bytes, key: str = SQUARE_KEY, url: str = SQUARE_URL) -> dict:
    """Signed as Square documents; the squareup SDK's verifier must accept the result."""
    from square.utils.webhooks_helper import verify_signature

    digest = hmac.new(key.encode(), url.encode() + body, hashlib.sha256).digest()
    signature = base64.b64encode(digest).decode()
    assert verify_signature(
        request_body=body.decode(),
        signature_header=signature,
        signature_key=key,
        notification_url=url,
    )
    return {
        "x-square-hmacsha256-signature": signature,
        "content-type": "application/json",
        "square-initial-delivery-timestamp": "2024-11-27T00:00:00.100Z",
        "square-retry-number": "0",
    }


PAYPAL_CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"


class PayPalPKI:
    """A test root CA and a PayPal-named signing certificate (no network: PayPal's real
    certificate cannot be used to sign test deliveries)."""

    def __init__(self) -> None:
        from datetime import UTC, datetime, timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        now = datetime.now(UTC)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Root CA")])
        usage = dict.fromkeys(
            ("content_commitment", "data_encipherment", "key_agreement",
             "encipher_only", "decipher_only"), False,
        )  # fmt: skip
        self.root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=False, key_encipherment=False, key_cert_sign=True,
                              crl_sign=True, **usage),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )  # fmt: skip
        host = "messageverificationcerts.paypal.com"
        self.leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(root_name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=True, key_encipherment=True, key_cert_sign=False,
                              crl_sign=False, **usage),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )  # fmt: skip

    def leaf_pem(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.leaf.public_bytes(Encoding.PEM)

    def headers(self, body: bytes, webhook_id: str = PAYPAL_WEBHOOK_ID) -> dict[str, str]:
        """PayPal's documented headers, signed SHA256withRSA over id|time|webhook id|crc32."""
        import zlib
        from datetime import UTC, datetime

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        transmission_id = str(uuid.uuid4())
        moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = f"{transmission_id}|{moment}|{webhook_id}|{zlib.crc32(body)}".encode()
        signature = self.key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        return {
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": moment,
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
            "PAYPAL-CERT-URL": PAYPAL_CERT_URL,
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "Content-Type": "application/json",
        }
