"""PayPal beyond the oracle: the cert URL allow-list, the certificate cache, fetch failures."""

from __future__ import annotations

import datetime as dt
import zlib

import pytest

from webhook_processor.signatures import UNAVAILABLE, Reason, Verifier, verifier
from webhook_processor.signatures.paypal import (
    CACHE_LIMIT,
    DEFAULT_CERT_URL_HOSTS,
    SANDBOX_CERT_URL_HOSTS,
    fetch_certificate,
    signed_message,
)

from . import sigkit
from .oracles import PayPalWorld

# PCI DSS 6.2.4: PayPal certificates only from allow-listed URLs, chained and in date.
pytestmark = pytest.mark.evidence("6.2.4")

BODY = sigkit.event_body()


@pytest.mark.parametrize(
    "url",
    [
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
        "https://evil.example.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com.evil.example.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
        "https://api.paypal.com:443/v1/notifications/certs/CERT-1",
        "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com/v1/notifications/certs/CERT-1?next=https://evil.example.com",
        "https://api.paypal.com/v1/notifications/certs/CERT-1#x",
        "https://api.paypal.com/v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/../../../v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/%2E%2E/%2E%2E/v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/..%2F..%2Fv1%2Foauth2%2Ftoken",
        "https://api.paypal.com/v1/notifications/certs/..%2f..%2fv1%2foauth2%2ftoken",
        "https://api.paypal.com/v1/notifications/certs/..\\..\\v1\\oauth2\\token",
        "https://api.paypal.com/v1/notifications/certs/CERT-1/../../../v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/..",
        "https://api.paypal.com/v1/notifications/certs/",
        "https://api.paypal.com:bad/v1/notifications/certs/CERT-1",
        "file:///etc/passwd",
        "not a url",
    ],
)
def test_cert_urls_off_the_allow_list_are_refused_without_a_fetch(
    paypal: PayPalWorld, url: str
) -> None:
    headers = paypal.headers(BODY, cert_url=url)
    verdict = Verifier("paypal", paypal.settings())(headers, BODY, now=paypal.now)
    assert verdict.reason == Reason.DISALLOWED_CERT_URL
    assert paypal.fetched == []


@pytest.mark.parametrize("host", DEFAULT_CERT_URL_HOSTS)
def test_every_default_host_is_allowed(paypal: PayPalWorld, host: str) -> None:
    url = f"https://{host.upper()}/v1/notifications/certs/CERT-360caa42"
    paypal.served[url] = paypal.pki.served
    verdict = Verifier("paypal", paypal.settings())(
        paypal.headers(BODY, cert_url=url), BODY, now=paypal.now
    )
    assert verdict.valid


SANDBOX_URL = "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-sandbox"


def _sandbox_check(paypal: PayPalWorld, **extra: object) -> Verifier:
    """A verifier from plain settings; the sandbox URL serves a sandbox-named certificate."""
    return verifier(
        "paypal",
        {
            "webhook_id": sigkit.PAYPAL_WEBHOOK_ID,
            "trust_store_pems": paypal.pki.trust_pems,
            "cert_pems_by_url": {
                SANDBOX_URL: paypal.pki.variants["sandbox"],
                paypal.url("sandbox"): paypal.pki.variants["sandbox"],
                paypal.url("valid"): paypal.pki.served,
            },
            **extra,
        },
    )


def test_only_live_paypal_is_trusted_by_default(paypal: PayPalWorld) -> None:
    """Anyone can get sandbox deliveries signed: production must not accept them."""
    assert not set(DEFAULT_CERT_URL_HOSTS) & set(SANDBOX_CERT_URL_HOSTS)
    check = _sandbox_check(paypal)
    sandbox_host = paypal.headers(BODY, cert_url=SANDBOX_URL)
    sandbox_cert_on_live_host = paypal.headers(BODY, "sandbox")
    assert check(sandbox_host, BODY, now=paypal.now).reason == Reason.DISALLOWED_CERT_URL
    assert check(sandbox_cert_on_live_host, BODY, now=paypal.now).reason == (
        Reason.UNTRUSTED_CERTIFICATE
    )
    assert check(paypal.headers(BODY), BODY, now=paypal.now).valid


@pytest.mark.parametrize("sandbox", [True, "true", "TRUE"])
def test_sandbox_true_adds_the_sandbox_hosts_and_certificate(
    paypal: PayPalWorld, sandbox: object
) -> None:
    check = _sandbox_check(paypal, sandbox=sandbox)
    for host in SANDBOX_CERT_URL_HOSTS:
        url = SANDBOX_URL.replace("api-m.sandbox.paypal.com", host)
        seeded = {"cert_pems_by_url": {url: paypal.pki.variants["sandbox"]}}
        host_check = _sandbox_check(paypal, sandbox=sandbox, **seeded)
        assert host_check(paypal.headers(BODY, cert_url=url), BODY, now=paypal.now).valid
    assert check(paypal.headers(BODY, "sandbox"), BODY, now=paypal.now).valid
    assert check(paypal.headers(BODY), BODY, now=paypal.now).valid  # live still works


def test_sandbox_extends_a_configured_allow_list(paypal: PayPalWorld) -> None:
    check = _sandbox_check(paypal, sandbox=True, allowed_cert_url_hosts=["certs.example"])
    assert check.settings.allowed_cert_url_hosts == ("certs.example", *SANDBOX_CERT_URL_HOSTS)
    assert check(paypal.headers(BODY), BODY, now=paypal.now).reason == (Reason.DISALLOWED_CERT_URL)


def _forge_crc32(body: bytes, target: int) -> bytes:
    """Four bytes that, appended to ``body``, give it the CRC-32 ``target``: CRC-32 is affine
    in the message bits over GF(2), so 32 unknown bits solve a 32x32 linear system."""
    base = zlib.crc32(body + bytes(4))
    columns = [zlib.crc32(body + (1 << bit).to_bytes(4, "little")) ^ base for bit in range(32)]
    rows = [(column, 1 << bit) for bit, column in enumerate(columns)]  # (image, which bits)
    solution, want = 0, target ^ base
    for pivot in range(32):  # Gaussian elimination on the images' bits
        mask = 1 << pivot
        found = next((row for row in rows if row[0] & mask), None)
        if found is None:
            continue
        rows.remove(found)
        rows = [(i ^ found[0], b ^ found[1]) if i & mask else (i, b) for i, b in rows]
        if want & mask:
            want ^= found[0]
            solution ^= found[1]
    assert want == 0
    return solution.to_bytes(4, "little")


def test_crc32_binds_the_body_only_weakly_the_documented_residual_risk(
    paypal: PayPalWorld,
) -> None:
    """Different bytes with the original's CRC-32 verify under the original's headers: why the
    replay window and idempotency matter, and why the README points to PayPal's API."""
    headers = paypal.headers(BODY)
    forged = BODY.replace(b'"evt_1Nf3k', b'"evt_FORGE') + b" "  # a new event id, too
    forged += _forge_crc32(forged, zlib.crc32(BODY))
    assert b"evt_FORGE" in forged
    assert zlib.crc32(forged) == zlib.crc32(BODY)
    assert Verifier("paypal", paypal.settings())(headers, forged, now=paypal.now).valid


def test_the_allow_list_is_configurable(paypal: PayPalWorld) -> None:
    settings = paypal.settings(allowed_cert_url_hosts=("certs.internal.example",))
    default_host = paypal.headers(BODY)
    assert Verifier("paypal", settings)(default_host, BODY, now=paypal.now).reason == (
        Reason.DISALLOWED_CERT_URL
    )


def test_the_certificate_is_fetched_once_per_url_while_valid(paypal: PayPalWorld) -> None:
    check = Verifier("paypal", paypal.settings())
    for _ in range(3):
        assert check(paypal.headers(BODY), BODY, now=paypal.now).valid
    assert paypal.fetched == [paypal.url("valid")]


def test_the_cache_expires_with_the_chain(paypal: PayPalWorld) -> None:
    """After the earliest notAfter in the chain the URL is fetched again and no longer trusted."""
    check = Verifier("paypal", paypal.settings(tolerance=86_400))
    assert check(paypal.headers(BODY), BODY, now=paypal.now).valid
    expiry = paypal.pki.leaf.not_valid_after_utc.timestamp()
    late = paypal.headers(BODY, transmission_time=sigkit.iso(expiry + 1))
    assert check(late, BODY, now=expiry + 1).reason == Reason.UNTRUSTED_CERTIFICATE
    assert paypal.fetched == [paypal.url("valid")] * 2


def test_a_failed_fetch_is_tried_again_once_its_failure_expires(paypal: PayPalWorld) -> None:
    from webhook_processor.signatures.paypal import FAILURE_TTL_SECONDS

    check = Verifier("paypal", paypal.settings(tolerance=3600))
    url = paypal.url("later")
    headers = paypal.headers(BODY, cert_url=url)
    assert check(headers, BODY, now=paypal.now).reason == Reason.CERT_FETCH_FAILED
    paypal.served[url] = paypal.pki.served
    assert check(headers, BODY, now=paypal.now + FAILURE_TTL_SECONDS).valid


def test_an_untrusted_certificate_is_not_trusted_later_but_not_fetched_again_at_once(
    paypal: PayPalWorld,
) -> None:
    check = Verifier("paypal", paypal.settings())
    headers = paypal.headers(BODY, "self_signed")
    for _ in range(2):
        assert check(headers, BODY, now=paypal.now).reason == Reason.UNTRUSTED_CERTIFICATE
    assert len(paypal.fetched) == 1


def test_the_cache_is_bounded(paypal: PayPalWorld) -> None:
    settings = paypal.settings(max_cert_fetches_per_minute=CACHE_LIMIT + 5)
    check = Verifier("paypal", settings)
    for index in range(CACHE_LIMIT + 5):
        url = paypal.url(f"n{index}")
        paypal.served[url] = paypal.pki.served
        assert check(paypal.headers(BODY, cert_url=url), BODY, now=paypal.now).valid
    assert len(settings._cache) == CACHE_LIMIT
    assert paypal.url("n0") not in settings._cache


def test_a_chain_without_its_intermediate_is_untrusted(paypal: PayPalWorld) -> None:
    paypal.served[paypal.url("leaf_only")] = sigkit.pem(paypal.pki.leaf)
    verdict = Verifier("paypal", paypal.settings())(
        paypal.headers(BODY, "leaf_only"), BODY, now=paypal.now
    )
    assert verdict.reason == Reason.UNTRUSTED_CERTIFICATE


def test_the_intermediate_may_also_sit_in_the_trust_store(paypal: PayPalWorld) -> None:
    paypal.served[paypal.url("leaf_only")] = sigkit.pem(paypal.pki.leaf)
    settings = paypal.settings(trust_store=(paypal.pki.intermediate,))
    verdict = Verifier("paypal", settings)(paypal.headers(BODY, "leaf_only"), BODY, now=paypal.now)
    assert verdict.valid


def test_seeded_certificates_are_validated_and_need_no_fetch(paypal: PayPalWorld) -> None:
    seeded = {paypal.url("valid"): paypal.pki.served, paypal.url("bad"): "garbage"}
    check = Verifier("paypal", paypal.settings(cert_pems_by_url=seeded))
    assert check(paypal.headers(BODY), BODY, now=paypal.now).valid
    assert (
        check(paypal.headers(BODY, "bad"), BODY, now=paypal.now).reason
        == Reason.MALFORMED_CERTIFICATE
    )
    assert paypal.fetched == []


def test_a_certificate_not_yet_valid_is_untrusted(paypal: PayPalWorld) -> None:
    before = paypal.pki.leaf.not_valid_before_utc - dt.timedelta(seconds=1)
    early = before.timestamp()
    headers = paypal.headers(BODY, transmission_time=sigkit.iso(early))
    verdict = Verifier("paypal", paypal.settings())(headers, BODY, now=early)
    assert verdict.reason == Reason.UNTRUSTED_CERTIFICATE


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2026-09-21", Reason.MALFORMED_HEADER),  # no time zone: ambiguous
        ("2026-09-21T10:00:00", Reason.MALFORMED_HEADER),
        ("yesterday", Reason.MALFORMED_HEADER),
        ("2000-01-01T00:00:00Z", Reason.STALE_TIMESTAMP),
    ],
)
def test_transmission_time_must_be_an_aware_recent_instant(
    paypal: PayPalWorld, written: str, reason: Reason
) -> None:
    headers = paypal.headers(BODY, transmission_time=written)
    assert Verifier("paypal", paypal.settings())(headers, BODY, now=paypal.now).reason == reason


def test_signed_message_uses_unsigned_crc32() -> None:
    """A body whose CRC-32 has the top bit set must appear as a positive decimal."""
    body = b"{}" + bytes(range(7))
    message = signed_message("tid", "2026-09-21T00:00:00Z", "WH", body)
    crc = int(message.rsplit(b"|", 1)[1])
    assert crc > 2**31
    assert message == b"tid|2026-09-21T00:00:00Z|WH|%d" % crc


def test_default_fetcher_refuses_plain_http() -> None:
    with pytest.raises(ValueError, match="https"):
        fetch_certificate("http://api.paypal.com/v1/notifications/certs/CERT-1")


def test_settings_from_config_verify_with_the_given_trust_store(paypal: PayPalWorld) -> None:
    check = verifier(
        "paypal",
        {
            "webhook_id": sigkit.PAYPAL_WEBHOOK_ID,
            "trust_store_pems": paypal.pki.trust_pems,
            "cert_pems_by_url": {paypal.url("valid"): paypal.pki.served},
        },
    )
    assert check(paypal.headers(BODY), BODY, now=paypal.now).valid


def test_a_failed_fetch_is_remembered_briefly_instead_of_repeated(paypal: PayPalWorld) -> None:
    from webhook_processor.signatures.paypal import FAILURE_TTL_SECONDS

    url = "https://api.paypal.com/v1/notifications/certs/CERT-missing"
    settings = paypal.settings()
    check = Verifier("paypal", settings)
    headers = paypal.headers(BODY, cert_url=url)
    for offset in (0, 1, FAILURE_TTL_SECONDS - 1):
        verdict = check(headers, BODY, now=paypal.now + offset)
        assert verdict.reason == Reason.CERT_FETCH_FAILED
    assert paypal.fetched == [url]
    check(headers, BODY, now=paypal.now + FAILURE_TTL_SECONDS)
    assert paypal.fetched == [url, url]


def test_certificate_fetches_are_capped_per_minute(paypal: PayPalWorld) -> None:
    check = Verifier("paypal", paypal.settings(max_cert_fetches_per_minute=3))
    urls = [f"https://api.paypal.com/v1/notifications/certs/CERT-{i}" for i in range(6)]
    for index, url in enumerate(urls):
        verdict = check(paypal.headers(BODY, cert_url=url), BODY, now=paypal.now)
        # Not served: fetch failed; over the budget: not fetched, "cannot verify now" (503).
        spent = Reason.VERIFICATION_UNAVAILABLE
        assert verdict.reason == (Reason.CERT_FETCH_FAILED if index < 3 else spent)
    assert paypal.fetched == urls[:3]
    later = paypal.now + 61
    check(paypal.headers(BODY, cert_url=urls[5]), BODY, now=later)
    assert paypal.fetched == [*urls[:3], urls[5]]


def test_a_spent_fetch_budget_delays_a_genuine_delivery_but_never_rejects_it(
    paypal: PayPalWorld,
) -> None:
    """Anyone can spend the budget: fresh certificate names on an allowed host and a current
    transmission time cost nothing to send. A genuine delivery whose certificate is not cached
    yet then cannot be checked now (503, PayPal retries), not 'not authentic' (401), and its
    URL is tried again as soon as the budget allows, not remembered as failed."""
    check = Verifier("paypal", paypal.settings(max_cert_fetches_per_minute=3))
    for index in range(3):
        bogus = f"https://api.paypal.com/v1/notifications/certs/CERT-bogus{index}"
        check(paypal.headers(BODY, cert_url=bogus), BODY, now=paypal.now)
    genuine = paypal.headers(BODY)
    verdict = check(genuine, BODY, now=paypal.now + 30)
    assert verdict.reason in UNAVAILABLE
    assert check(genuine, BODY, now=paypal.now + 60).valid


def test_the_fetch_budget_is_configurable() -> None:
    from webhook_processor.signatures.paypal import PayPalSettings

    raw = {"webhook_id": "WH", "trust_store_pems": [sigkit.pem(sigkit.make_pki(0).root)]}
    assert (
        PayPalSettings.from_config(
            {**raw, "max_cert_fetches_per_minute": "5"}
        ).max_cert_fetches_per_minute
        == 5
    )
