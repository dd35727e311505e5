"""Signed test deliveries and a throw-away PKI, shared by the signature tests and the benchmark.

Deliveries are signed with the official SDKs' own signers where they have one (stripe, Adyen,
standardwebhooks); Square and PayPal publish none, so they are signed here from the documented
recipe. The PKI imitates PayPal's: a root, an intermediate and a leaf for
``messageverificationcerts.paypal.com``, plus the bad variants the tests need.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import ssl
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = 1_790_000_000  # 2026-09-21, a fixed clock for the HMAC providers
STRIPE_SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
SQUARE_KEY = "sq0wsk-test-signature-key"
SQUARE_URL = "https://hooks.example.com/webhooks/square"
ADYEN_KEY_HEX = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PAYPAL_WEBHOOK_ID = "1JE4291016473214C"
PAYPAL_CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-test"
PAYPAL_HOST = "messageverificationcerts.paypal.com"
PAYPAL_SANDBOX_HOST = "messageverificationcerts.sandbox.paypal.com"


def event_body(size: int = 2048, **fields: Any) -> bytes:
    """A JSON event of exactly ``size`` bytes (the benchmark's 2 KB body)."""
    event = {"id": "evt_1Nf3kWJ2eZvKYlo2C0ZbLd5T", "object": "event", **fields, "pad": ""}
    base = len(json.dumps(event, separators=(",", ":")).encode())
    event["pad"] = "x" * max(0, size - base)
    return json.dumps(event, separators=(",", ":")).encode()


def stripe_header(body: bytes, *, secret: str = STRIPE_SECRET, timestamp: int = NOW) -> str:
    import stripe

    return stripe.WebhookSignature.generate_signature_header(body.decode(), secret, timestamp)


def square_signature(body: bytes, *, key: str = SQUARE_KEY, url: str = SQUARE_URL) -> str:
    digest = hmac.new(key.encode(), url.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def adyen_item(index: int = 0, **overrides: Any) -> dict[str, Any]:
    item = {
        "additionalData": {"authCode": "58747"},
        "amount": {"currency": "EUR", "value": 1130 + index},
        "eventCode": "AUTHORISATION",
        "eventDate": "2026-09-21T14:00:00+02:00",
        "merchantAccountCode": "TestMerchant",
        "merchantReference": f"order-{index}",
        "originalReference": "",
        "paymentMethod": "visa",
        "pspReference": f"885512345678901{index}",
        "success": "true",
    }
    item.update(overrides)
    return item


def adyen_sign_item(item: dict[str, Any], key_hex: str = ADYEN_KEY_HEX) -> dict[str, Any]:
    """The item with ``additionalData.hmacSignature`` set by the Adyen SDK's own signer."""
    from Adyen.util import generate_notification_sig

    unsigned = {k: v for k, v in item.items() if k != "additionalData"}
    signature = generate_notification_sig(unsigned, key_hex).decode()
    return {
        **item,
        "additionalData": {**item.get("additionalData", {}), "hmacSignature": signature},
    }


def adyen_notification(items: list[dict[str, Any]]) -> bytes:
    wrapped = [{"NotificationRequestItem": item} for item in items]
    return json.dumps({"live": "false", "notificationItems": wrapped}).encode()


def adyen_payload_signature(body: bytes, key_hex: str = ADYEN_KEY_HEX) -> str:
    from Adyen.util import generate_payload_sig

    return generate_payload_sig(body, key_hex).decode()


def standard_headers(
    body: bytes, *, secret: str = STANDARD_SECRET, timestamp: int = NOW, msg_id: str = "msg_2Lz"
) -> dict[str, str]:
    from standardwebhooks import Webhook

    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    signature = Webhook(secret).sign(msg_id, moment, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


# --- PayPal: keys and certificates ------------------------------------------------------------


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    *,
    ca: bool,
    start: dt.datetime,
    end: dt.datetime,
    dns_names: tuple[str, ...] = (),
) -> x509.Certificate:
    issuer_name = issuer[0].subject if issuer else _name(subject)
    signing_key = issuer[1] if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    if ca:
        usage = dict.fromkeys(
            (
                "digital_signature",
                "content_commitment",
                "key_encipherment",
                "data_encipherment",
                "key_agreement",
                "encipher_only",
                "decipher_only",
            ),
            False,
        )
        builder = builder.add_extension(
            x509.KeyUsage(key_cert_sign=True, crl_sign=True, **usage), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]),
            critical=False,
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@dataclass(frozen=True)
class PKI:
    """A PayPal-like chain valid around ``now`` plus the bad certificates the tests need."""

    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    rogue_key: rsa.RSAPrivateKey
    variants: dict[str, str]  # name -> PEM served at the cert URL (leaf first, then chain)

    @property
    def served(self) -> str:
        """What the cert URL serves: the leaf, then the intermediate."""
        return self.variants["valid"]

    @property
    def trust_pems(self) -> list[str]:
        return [pem(self.root)]


def make_pki(now: float) -> PKI:
    start = dt.datetime.fromtimestamp(now, tz=dt.UTC) - dt.timedelta(days=30)
    end = start + dt.timedelta(days=395)
    root_key, inter_key, leaf_key, rogue_key = new_key(), new_key(), new_key(), new_key()
    root = certificate("Test Root CA", root_key, None, ca=True, start=start, end=end)
    inter = certificate(
        "Test Issuing CA", inter_key, (root, root_key), ca=True, start=start, end=end
    )

    def leaf(
        names: tuple[str, ...] = (PAYPAL_HOST,),
        *,
        issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] = (inter, inter_key),
        validity: tuple[dt.datetime, dt.datetime] = (start, end),
        cn: str = PAYPAL_HOST,
    ) -> x509.Certificate:
        return certificate(
            cn, leaf_key, issuer, ca=False, start=validity[0], end=validity[1], dns_names=names
        )

    rogue_root = certificate("Rogue Root CA", rogue_key, None, ca=True, start=start, end=end)
    valid = leaf()
    expired = (start - dt.timedelta(days=60), start - dt.timedelta(days=1))
    variants = {
        "valid": pem(valid) + pem(inter),
        "expired": pem(leaf(validity=expired)) + pem(inter),
        "wrong_host": pem(leaf(("www.example.com",), cn="www.example.com")) + pem(inter),
        "paypal_suffix_only": pem(leaf(("www.paypal.com",), cn="www.paypal.com")) + pem(inter),
        "sandbox": pem(leaf((PAYPAL_SANDBOX_HOST,), cn=PAYPAL_SANDBOX_HOST)) + pem(inter),
        "self_signed": pem(
            certificate(
                PAYPAL_HOST,
                leaf_key,
                None,
                ca=False,
                start=start,
                end=end,
                dns_names=(PAYPAL_HOST,),
            )
        ),
        "untrusted_root": pem(leaf(issuer=(rogue_root, rogue_key))) + pem(rogue_root),
    }
    return PKI(root, inter, valid, leaf_key, rogue_key, variants)


def paypal_headers(
    body: bytes,
    key: rsa.RSAPrivateKey,
    *,
    transmission_time: str,
    webhook_id: str = PAYPAL_WEBHOOK_ID,
    cert_url: str = PAYPAL_CERT_URL,
    algo: str = "SHA256withRSA",
    transmission_id: str = "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
) -> dict[str, str]:
    """Headers of a delivery signed the way PayPal signs (SHA-1 only for the algo test)."""
    message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
    digest = hashes.SHA1() if algo == "SHA1withRSA" else hashes.SHA256()
    signature = key.sign(message, padding.PKCS1v15(), digest)
    return {
        "PAYPAL-TRANSMISSION-ID": transmission_id,
        "PAYPAL-TRANSMISSION-TIME": transmission_time,
        "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
        "PAYPAL-CERT-URL": cert_url,
        "PAYPAL-AUTH-ALGO": algo,
    }


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def localhost_tls(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for ``localhost`` with a certificate from a throw-away CA, and the
    CA's PEM file (for a client to trust instead of the system bundle)."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    end = start + dt.timedelta(days=30)
    ca_key, server_key = new_key(), new_key()
    ca = certificate("Fetch Test CA", ca_key, None, ca=True, start=start, end=end)
    leaf = certificate(
        "localhost", server_key, (ca, ca_key), ca=False, start=start, end=end,
        dns_names=("localhost",),
    )  # fmt: skip
    (directory / "ca.pem").write_text(pem(ca))
    (directory / "server.pem").write_text(pem(leaf))
    (directory / "server.key").write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(directory / "server.pem", directory / "server.key")
    return context, directory / "ca.pem"
