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
        "status": "succeeded",
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
    if event_type == "charge.succeeded":
        return _stripe_event(event_type, _stripe_charge(note), "evt_3MmlLrLkdIwHu7ix0Y1sDkVb")
    if event_type == "charge.refunded":
        charge = _stripe_charge(note, refunded=500)
        return _stripe_event(event_type, charge, "evt_3MmlLrLkdIwHu7ix1Rf2uQ3c")
    if event_type == "charge.dispute.created":
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
            "status": "needs_response",
        }
        return _stripe_event(event_type, obj, "evt_1MtJUU2eZvKYlo2Cq9JYdB9E")
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
    if event_type == "payment.updated":
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
    elif event_type == "dispute.created":
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
                "state": "EVIDENCE_REQUIRED",
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
                     "dispute.created": "e1b8cbd8-2b41-4f07-a4a2-1e9d27d0a0d5"}.get(
                         event_type, "11111111-2222-4333-8444-555555555555"),
        "created_at": "2024-11-27T00:00:00.000000Z",
        "data": {"type": kind, "id": obj["id"], "object": {kind: obj}},
    }  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One stored event and the record it must become."""

    provider: str
    event_type: str
    status: str
    amount: int
    currency: str
    transaction_id: str
    event_id: str


CASES = (
    Case("stripe", "payment_intent.succeeded", "completed", 2000, "USD",
         "stripe:pi_3MtwBwLkdIwHu7ix28a3tqPa", "evt_1NG8Du2eZvKYlo2CUI79vXWy"),
    Case("stripe", "charge.succeeded", "completed", 2000, "USD",
         "stripe:pi_3MtwBwLkdIwHu7ix28a3tqPa", "evt_3MmlLrLkdIwHu7ix0Y1sDkVb"),
    Case("stripe", "charge.refunded", "refunded", 500, "USD",
         "stripe:pi_3MtwBwLkdIwHu7ix28a3tqPa", "evt_3MmlLrLkdIwHu7ix1Rf2uQ3c"),
    Case("stripe", "charge.dispute.created", "disputed", 2000, "USD",
         "stripe:pi_3MtwBwLkdIwHu7ix28a3tqPa", "evt_1MtJUU2eZvKYlo2Cq9JYdB9E"),
    Case("paypal", "PAYMENT.CAPTURE.COMPLETED", "completed", 2000, "USD",
         "paypal:42311647XV020574X", "WH-58D329510W468432D-8HN650336L201105X"),
    Case("paypal", "PAYMENT.CAPTURE.REFUNDED", "refunded", 500, "USD",
         "paypal:42311647XV020574X", "WH-1GE84257G0350133W-6RW800890C634293G"),
    Case("paypal", "CUSTOMER.DISPUTE.CREATED", "disputed", 2000, "USD",
         "paypal:42311647XV020574X", "WH-4M0448861G563140B-9EX36365822141321"),
    Case("square", "payment.updated", "completed", 2300, "USD",
         "square:KkAkhdMsgzn59SM8A89WgKwekxLZY", "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc"),
    Case("square", "refund.created", "refunded", 500, "USD",
         "square:KkAkhdMsgzn59SM8A89WgKwekxLZY", "0e6bd07b-5f8c-4c43-a8c5-3bbd4a1f4e61"),
    Case("square", "refund.updated", "refunded", 500, "USD",
         "square:KkAkhdMsgzn59SM8A89WgKwekxLZY", "b0e4f9a2-9d36-4c7e-8e34-40b1b6ed3d6c"),
    Case("square", "dispute.created", "disputed", 2300, "USD",
         "square:KkAkhdMsgzn59SM8A89WgKwekxLZY", "e1b8cbd8-2b41-4f07-a4a2-1e9d27d0a0d5"),
)  # fmt: skip

PAYLOADS = {"stripe": stripe_payload, "paypal": paypal_payload, "square": square_payload}


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
