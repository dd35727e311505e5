"""PayPal: offline check of ``paypal-transmission-sig`` (RSA PKCS#1 v1.5, SHA-256 only).

The signed message is ``transmission_id|transmission_time|webhook_id|crc32(raw body)``, the CRC
as an unsigned decimal. The certificate is named by the ``paypal-cert-url`` header, i.e. by the
sender, so everything about it is checked before it is trusted:

- the URL must be https on an allow-listed PayPal API host, its path one plain certificate name
  under ``/v1/notifications/certs/`` (no ``..``, no percent-encoding such as ``%2F`` or
  ``%2E``, no backslash), without credentials, port, query or fragment (no fetch happens
  otherwise: no SSRF, no path traversal to another API);
- the transmission time must be within the tolerance, checked before any fetch (replays);
- the certificate is fetched with a short timeout, a size cap and no redirects, at most once per
  URL while its chain is valid (cache); a URL whose fetch or chain failed is refused without a
  new fetch for ``FAILURE_TTL_SECONDS``, and at most ``max_cert_fetches_per_minute`` fetches
  happen per minute, so unauthenticated requests cannot buy outbound calls (over the budget:
  ``verification_unavailable``, answered 503, and the URL is not remembered as failed);
- it must chain to the configured trust store (default: the system CA bundle) and name one of
  PayPal's signing hosts, per ``cryptography.x509.verification`` (validity, names, key usage).

Only PayPal's live hosts and certificate name are trusted by default. ``sandbox: true`` adds the
sandbox API hosts and ``messageverificationcerts.sandbox.paypal.com``: anyone can open a sandbox
account and have PayPal sign sandbox deliveries, so a production receiver must not accept them.

Residual risk of local verification: the signature covers the body only through its CRC-32,
which is not cryptographic: for any body, a few chosen bytes (e.g. inside a JSON string) give it
any CRC-32 wanted. Who can exploit it: someone holding one genuine delivery's headers
(transmission id, time, signature, cert URL) and its body (or just its CRC-32), e.g. from a log,
proxy or endpoint that recorded them; they can then send a body of their choosing with those
headers, and it verifies. What limits it: the transmission-time tolerance (300 s by default);
TLS on the Function URL; the webhook id inside the signed message; and the processor's
transmission-id claim (a second body under a seen transmission id is dead-lettered, not stored).

``verification: api`` closes it: after every local check above has passed, PayPal's own
``POST /v1/notifications/verify-webhook-signature`` is asked about the delivery, whole body
included (PayPal REST API reference, "Webhooks Management API v1", Verify webhook signature;
token from ``POST /v1/oauth2/token`` with the client credentials, "Authentication"). Only
``SUCCESS`` verifies; ``FAILURE`` is ``rejected_by_provider``; no usable answer (transport error,
timeout, non-200, unparseable, over the size cap, call budget spent) is
``verification_unavailable`` and refused credentials ``credentials_rejected``, which the
receiver answers 503 so PayPal retries later. The local checks come first, so a request without
a genuine signature never costs an API call, and at most ``max_api_calls_per_minute`` calls
(token requests included) leave per execution environment. ``webhook_event`` is the raw body
itself, spliced byte for byte into the request after checking it is a JSON object with no key
repeated in one object (which occurrence counts is up to each parser: PayPal could confirm one
reading and the receiver enqueue another, e.g. a captured delivery's members repeated with
forged values and its CRC-32 kept): PayPal
checks the event as it serialises what it receives, and a parse and re-serialisation here can
change it (key order, ``{}`` read as a list, escapes, number formats), making PayPal answer
``FAILURE`` for a genuine delivery (paypal/PayPal-NET-SDK#353, paypal/PayPal-Python-SDK#175,
MahoCommerce/maho#1110). The API host is PayPal's live one, or the sandbox one with
``sandbox: true``; it is not configurable (tests inject a ``transport``, as they inject a
``fetcher``). ``verification`` defaults to ``api`` when ``client_id`` and ``client_secret`` are
both set (not ``UNSET:``), else ``local``; ``api`` without them is a ``ConfigError``.

The deprecated ``paypalrestsdk`` fetches any URL (http, any host, no timeout), never checks the
transmission time, accepts SHA1withRSA, only matches the CN suffix and caches nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import ssl
import urllib.error
import urllib.request
import warnings
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError

from webhook_processor.signatures._base import (
    ConfigError,
    Headers,
    Provider,
    Reason,
    Rejected,
    check_freshness,
    require_header,
)
from webhook_processor.signatures._config import Config

DEFAULT_CERT_URL_HOSTS = ("api.paypal.com", "api-m.paypal.com")
DEFAULT_CERT_HOST_NAMES = ("messageverificationcerts.paypal.com",)
SANDBOX_CERT_URL_HOSTS = ("api.sandbox.paypal.com", "api-m.sandbox.paypal.com")
SANDBOX_CERT_HOST_NAMES = ("messageverificationcerts.sandbox.paypal.com",)
CERT_PATH_PREFIX = "/v1/notifications/certs/"
AUTH_ALGO = "SHA256withRSA"
FETCH_TIMEOUT_SECONDS = 3.0
MAX_CERT_BYTES = 64 * 1024
CACHE_LIMIT = 32
FAILURE_TTL_SECONDS = 60
"""How long a URL whose certificate could not be fetched or trusted is refused without trying
again: an unauthenticated request must not buy an outbound fetch each time."""
DEFAULT_MAX_CERT_FETCHES_PER_MINUTE = 10
MAX_FETCHES_PER_MINUTE = 10_000
"""The highest configurable budget: a bound still, not a way to switch the budget off."""
LIVE_API_BASE = "https://api-m.paypal.com"
SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com"
OAUTH2_PATH = "/v1/oauth2/token"
VERIFY_PATH = "/v1/notifications/verify-webhook-signature"
API_TIMEOUT_SECONDS = 5.0
MAX_API_RESPONSE_BYTES = 64 * 1024
TOKEN_MARGIN_SECONDS = 300
"""A token is used until this long before its ``expires_in``, never up to the last second."""
MAX_TOKEN_CHARS = 4096
DEFAULT_MAX_API_CALLS_PER_MINUTE = 300
"""Per execution environment, which calls PayPal one request at a time: more than its round
trip allows for genuine traffic, so only a burst of fast failures or of replays meets it."""
VERIFICATIONS = ("api", "local")
# The certificate's name: one path segment of plain characters (no "..", no "%2F" or "%2E",
# no backslash), checked on the URL as received, before anything could decode it.
_CERT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")

Fetcher = Callable[[str], bytes]
"""Returns the PEM served at an (already allow-listed) certificate URL; raises on any failure."""
Transport = Callable[[str, Mapping[str, str], bytes], tuple[int, bytes]]
"""POSTs ``body`` with ``headers`` to a PayPal API URL; returns the status and the response
body (any status, error statuses included); raises on any transport failure."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # a 3xx becomes an HTTPError: a redirect could leave the allow-list


def no_redirect_opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """A urllib opener that never follows a redirect (it could leave PayPal's hosts)."""
    return urllib.request.build_opener(_RefuseRedirects, *handlers)


def _tls_opener() -> urllib.request.OpenerDirector:
    return no_redirect_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context()))


def post(
    opener: urllib.request.OpenerDirector,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    timeout: float,
) -> tuple[int, bytes]:
    """POST through ``opener``: the status and at most ``MAX_API_RESPONSE_BYTES`` of answer (a
    longer one raises); error statuses are returned, not raised."""
    # The URL is PayPal's fixed API base plus a fixed path (HttpsTransport checks the scheme).
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return int(response.status), _read_capped(response, MAX_API_RESPONSE_BYTES, "API response")


def _read_capped(response: Any, limit: int, what: str) -> bytes:
    """At most ``limit`` bytes of ``response``; a longer answer raises, unread."""
    data: bytes = response.read(limit + 1)
    if len(data) > limit:
        msg = f"{what} larger than {limit} bytes"
        raise ValueError(msg)
    return data


class HttpsTransport:
    """The default transport: urllib over verified TLS, short timeout, size cap, no redirects.

    The TLS context is built at the first call and kept (loading the CA bundle costs ~20 ms
    of CPU, several times a whole warm invocation); one per verifier.
    """

    def __init__(self) -> None:
        self._opener: urllib.request.OpenerDirector | None = None

    def __call__(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        if not url.startswith("https://"):
            msg = "PayPal API URLs must be https"
            raise ValueError(msg)
        if self._opener is None:
            self._opener = _tls_opener()
        return post(self._opener, url, headers, body, timeout=API_TIMEOUT_SECONDS)


def fetch_certificate(url: str) -> bytes:
    """The default fetcher: urllib over verified TLS, short timeout, size cap, no redirects."""
    if not url.startswith("https://"):
        msg = "certificate URLs must be https"
        raise ValueError(msg)
    with _tls_opener().open(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
        return _read_capped(response, MAX_CERT_BYTES, "certificate response")


def system_trust_store() -> tuple[x509.Certificate, ...]:
    """The system CA bundle (what the Lambda runtime's TLS trusts)."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile):
        if candidate and Path(candidate).is_file():
            with warnings.catch_warnings():  # some system roots carry non-RFC serial numbers
                warnings.simplefilter("ignore")
                return tuple(x509.load_pem_x509_certificates(Path(candidate).read_bytes()))
    msg = "paypal: no system CA bundle found; set 'trust_store_pems'"
    raise ConfigError(msg)


def _with_sandbox(names: tuple[str, ...], sandbox: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` then the sandbox ones, each once."""
    return tuple(dict.fromkeys(names + sandbox))


@dataclass
class _Budget:
    """At most ``per_minute`` outbound calls in any 60 s: unauthenticated requests, or replays
    of one captured delivery, cannot buy unbounded calls to PayPal."""

    per_minute: int
    _at: list[float] = field(default_factory=list)

    def take(self, now: float) -> bool:
        self._at[:] = [at for at in self._at if now - at < 60]
        if len(self._at) >= self.per_minute:
            return False
        self._at.append(now)
        return True


def _json_object(data: bytes) -> dict[str, Any] | None:
    """``data`` parsed as one JSON object (UTF-8, no NaN or Infinity, no key twice in one
    object), else None."""
    try:
        value = json.loads(
            data.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _bearer_token(answer: Mapping[str, Any] | None) -> tuple[str, int]:
    """The token and its lifetime from a token endpoint answer, or ``unavailable``."""
    answer = answer or {}
    token, lifetime = answer.get("access_token"), answer.get("expires_in")
    if (
        isinstance(token, str)
        and 0 < len(token) <= MAX_TOKEN_CHARS
        and token.isascii()
        and token.isprintable()
        and " " not in token
        and isinstance(lifetime, int)
        and not isinstance(lifetime, bool)
        and lifetime > 0
        and str(answer.get("token_type", "")).lower() == "bearer"
    ):
        return token, lifetime
    raise Rejected(Reason.VERIFICATION_UNAVAILABLE)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all distinct: with a key twice, which one counts is up to the
    parser, so PayPal could confirm one reading of the body and the receiver enqueue another."""
    value = dict(pairs)
    if len(value) != len(pairs):
        msg = "not JSON: a key repeated in an object"
        raise ValueError(msg)
    return value


def _refuse_constant(name: str) -> None:
    msg = f"not JSON: {name}"
    raise ValueError(msg)


@dataclass(frozen=True)
class _TrustedKey:
    key: RSAPublicKey
    not_before: float
    not_after: float


@dataclass(frozen=True, eq=False)
class PayPalSettings:
    """``cert_pems_by_url`` pre-seeds the certificate source (offline checks); seeded PEMs are
    validated exactly like fetched ones. ``fetcher`` and ``transport`` are injectable for tests;
    the API host is not (``sandbox`` picks PayPal's live or sandbox one). ``verification``
    ``None`` means ``api`` when both credentials are given, else ``local``."""

    webhook_id: str
    trust_store: tuple[x509.Certificate, ...] = field(repr=False)
    allowed_cert_url_hosts: tuple[str, ...] = DEFAULT_CERT_URL_HOSTS
    cert_host_names: tuple[str, ...] = DEFAULT_CERT_HOST_NAMES
    tolerance: int = 300
    cert_pems_by_url: Mapping[str, str] = field(default_factory=dict, repr=False)
    fetcher: Fetcher = field(default=fetch_certificate, repr=False)
    max_cert_fetches_per_minute: int = DEFAULT_MAX_CERT_FETCHES_PER_MINUTE
    client_id: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    verification: Literal["api", "local"] | None = None
    sandbox: bool = False
    transport: Transport = field(default_factory=HttpsTransport, repr=False)
    max_api_calls_per_minute: int = DEFAULT_MAX_API_CALLS_PER_MINUTE
    _store: Store = field(init=False, repr=False)
    _cache: dict[str, _TrustedKey] = field(init=False, repr=False, default_factory=dict)
    _failed: dict[str, tuple[float, Reason]] = field(init=False, repr=False, default_factory=dict)
    _fetches: _Budget = field(init=False, repr=False)
    _api_calls: _Budget = field(init=False, repr=False)
    _token: list[tuple[str, float]] = field(init=False, repr=False, default_factory=list)
    """The cached access token and the time to stop using it (at most one entry)."""

    def __post_init__(self) -> None:
        if not self.trust_store:
            msg = "paypal: the trust store is empty"
            raise ConfigError(msg)
        object.__setattr__(self, "_store", Store(list(self.trust_store)))
        object.__setattr__(self, "_fetches", _Budget(self.max_cert_fetches_per_minute))
        object.__setattr__(self, "_api_calls", _Budget(self.max_api_calls_per_minute))
        given = [key for key in ("client_id", "client_secret") if getattr(self, key)]
        if self.verification is None:
            object.__setattr__(self, "verification", "api" if len(given) == 2 else "local")
        if self.verification not in VERIFICATIONS:
            msg = f"paypal: setting 'verification' must be one of {', '.join(VERIFICATIONS)}"
            raise ConfigError(msg)
        missing = [key for key in ("client_id", "client_secret") if key not in given]
        if missing and (given or self.verification == "api"):
            # Half the credentials is a mistake, not a choice: fail closed rather than guess.
            why = "with verification 'api'" if self.verification == "api" else "with the other"
            msg = f"paypal: setting {missing[0]!r} is required {why}"
            raise ConfigError(msg)

    @property
    def api_base(self) -> str:
        return SANDBOX_API_BASE if self.sandbox else LIVE_API_BASE

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> PayPalSettings:
        """``sandbox: true`` adds PayPal's sandbox hosts and certificate name to the lists in
        effect (the live defaults, or the configured ones)."""
        keys = {"webhook_id", "trust_store_pems", "allowed_cert_url_hosts", "cert_host_names"}
        keys |= {"tolerance", "cert_pems_by_url", "sandbox", "max_cert_fetches_per_minute"}
        keys |= {"client_id", "client_secret", "verification", "max_api_calls_per_minute"}
        config = Config("paypal", raw, frozenset(keys))
        verification = config.choice("verification", ("auto", *VERIFICATIONS), default="auto")
        sandbox = config.flag("sandbox", default=False)
        if "trust_store_pems" in raw:
            pems = config.texts("trust_store_pems")
            try:
                trust = tuple(
                    cert for pem in pems for cert in x509.load_pem_x509_certificates(pem.encode())
                )
            except ValueError:
                msg = "paypal: setting 'trust_store_pems' must be a list of PEM certificates"
                raise ConfigError(msg) from None
        else:
            trust = system_trust_store()
        return cls(
            webhook_id=config.text("webhook_id"),
            trust_store=trust,
            allowed_cert_url_hosts=_with_sandbox(
                tuple(
                    host.lower()
                    for host in config.texts(
                        "allowed_cert_url_hosts", default=DEFAULT_CERT_URL_HOSTS
                    )
                ),
                SANDBOX_CERT_URL_HOSTS if sandbox else (),
            ),
            cert_host_names=_with_sandbox(
                config.texts("cert_host_names", default=DEFAULT_CERT_HOST_NAMES),
                SANDBOX_CERT_HOST_NAMES if sandbox else (),
            ),
            tolerance=config.seconds("tolerance", default=300),
            cert_pems_by_url=config.mapping("cert_pems_by_url"),
            max_cert_fetches_per_minute=config.count(
                "max_cert_fetches_per_minute",
                default=DEFAULT_MAX_CERT_FETCHES_PER_MINUTE,
                maximum=MAX_FETCHES_PER_MINUTE,
            ),
            client_id=config.optional_text("client_id"),
            client_secret=config.optional_text("client_secret"),
            verification=None if verification == "auto" else verification,  # type: ignore[arg-type]
            sandbox=sandbox,
            max_api_calls_per_minute=config.count(
                "max_api_calls_per_minute",
                default=DEFAULT_MAX_API_CALLS_PER_MINUTE,
                maximum=MAX_FETCHES_PER_MINUTE,
            ),
        )

    def cert_url_allowed(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        name = parts.path.removeprefix(CERT_PATH_PREFIX)
        return (
            parts.scheme == "https"
            and parts.hostname in self.allowed_cert_url_hosts
            and port is None
            and parts.username is None
            and parts.path.startswith(CERT_PATH_PREFIX)
            and _CERT_NAME.fullmatch(name) is not None
            and ".." not in name
            and "\\" not in url
            and not parts.query
            and not parts.fragment
        )

    def signing_key(self, url: str, now: float) -> RSAPublicKey:
        """The validated key behind ``url``: from the cache while its chain is valid."""
        if not self.cert_url_allowed(url):
            raise Rejected(Reason.DISALLOWED_CERT_URL)
        cached = self._cache.get(url)
        if cached is not None and cached.not_before <= now <= cached.not_after:
            return cached.key
        failed = self._failed.get(url)
        if failed is not None and now < failed[0]:
            raise Rejected(failed[1])
        try:
            trusted = self._validate(self._certificate(url, now), now)
        except Rejected as rejected:
            if rejected.reason == Reason.VERIFICATION_UNAVAILABLE:  # budget: URL never tried
                raise
            if len(self._failed) >= CACHE_LIMIT:
                del self._failed[next(iter(self._failed))]
            self._failed[url] = (now + FAILURE_TTL_SECONDS, rejected.reason)
            raise
        if url not in self._cache and len(self._cache) >= CACHE_LIMIT:
            del self._cache[next(iter(self._cache))]
        self._cache[url] = trusted
        return trusted.key

    def _certificate(self, url: str, now: float) -> bytes:
        """The PEM behind ``url``: seeded, or fetched if this minute's fetch budget allows.

        A spent budget says nothing about the delivery (anyone can spend it with made-up
        certificate names): ``verification_unavailable``, so a genuine one is retried (503)."""
        seeded = self.cert_pems_by_url.get(url)
        if seeded is not None:
            return seeded.encode()
        if not self._fetches.take(now):
            raise Rejected(Reason.VERIFICATION_UNAVAILABLE)
        try:
            return self.fetcher(url)
        except Exception:  # any fetch failure fails closed, with one reason
            raise Rejected(Reason.CERT_FETCH_FAILED) from None

    def confirm(self, fields: Mapping[str, str], body: bytes, now: float) -> None:
        """Ask PayPal's verify-webhook-signature API about a delivery the local checks passed.

        ``fields`` are the request's string members (headers and webhook id); the raw body is
        spliced in verbatim as ``webhook_event`` (see the module docstring for why). A 401 on
        the verify call drops the cached token and tries once more with a fresh one.
        """
        if _json_object(body) is None:
            raise Rejected(Reason.MALFORMED_BODY)
        request = json.dumps(dict(fields)).encode()[:-1] + b', "webhook_event": ' + body + b"}"
        for attempt in (1, 2):
            status, data = self._call(
                VERIFY_PATH,
                {
                    "Authorization": f"Bearer {self._access_token(now)}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
                request,
                now,
            )
            if status != 401 or attempt == 2:
                break
            self._token.clear()
        answer = _json_object(data) if status == 200 else None
        verdict = None if answer is None else answer.get("verification_status")
        if verdict == "FAILURE":
            raise Rejected(Reason.REJECTED_BY_PROVIDER)
        if verdict != "SUCCESS":
            raise Rejected(Reason.VERIFICATION_UNAVAILABLE)

    def _access_token(self, now: float) -> str:
        """An OAuth2 client-credentials token, cached until ``TOKEN_MARGIN_SECONDS`` before it
        expires."""
        if self._token and now < self._token[0][1]:
            return self._token[0][0]
        self._token.clear()
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        status, data = self._call(
            OAUTH2_PATH,
            {
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            b"grant_type=client_credentials",
            now,
        )
        if status == 401:
            raise Rejected(Reason.CREDENTIALS_REJECTED)
        token, lifetime = _bearer_token(_json_object(data) if status == 200 else None)
        if lifetime > TOKEN_MARGIN_SECONDS:
            self._token.append((token, now + lifetime - TOKEN_MARGIN_SECONDS))
        return token

    def _call(
        self, path: str, headers: Mapping[str, str], body: bytes, now: float
    ) -> tuple[int, bytes]:
        """One budgeted POST to PayPal's API; any transport failure is ``unavailable``."""
        if not self._api_calls.take(now):
            raise Rejected(Reason.VERIFICATION_UNAVAILABLE)
        try:
            return self.transport(self.api_base + path, headers, body)
        except Exception:  # any transport failure fails closed, with one reason
            raise Rejected(Reason.VERIFICATION_UNAVAILABLE) from None

    def _validate(self, pem: bytes, now: float) -> _TrustedKey:
        try:
            leaf, *intermediates = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise Rejected(Reason.MALFORMED_CERTIFICATE) from None
        builder = PolicyBuilder().store(self._store).time(datetime.fromtimestamp(now, UTC))
        for name in self.cert_host_names:
            try:
                chain = builder.build_server_verifier(DNSName(name)).verify(leaf, intermediates)
                break
            except VerificationError:
                continue
        else:
            raise Rejected(Reason.UNTRUSTED_CERTIFICATE)
        key = leaf.public_key()
        if not isinstance(key, RSAPublicKey):
            raise Rejected(Reason.UNSUPPORTED_ALGORITHM)
        return _TrustedKey(
            key,
            max(cert.not_valid_before_utc for cert in chain).timestamp(),
            min(cert.not_valid_after_utc for cert in chain).timestamp(),
        )


def _transmission_time(value: str) -> float:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Rejected(Reason.MALFORMED_HEADER) from None
    if moment.tzinfo is None:
        raise Rejected(Reason.MALFORMED_HEADER)
    return moment.timestamp()


def signed_message(
    transmission_id: str, transmission_time: str, webhook_id: str, body: bytes
) -> bytes:
    """What PayPal signs: the CRC-32 of the raw body as an unsigned decimal (``zlib.crc32``)."""
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()


def verify(settings: PayPalSettings, headers: Headers, body: bytes, now: float) -> None:
    transmission_id = require_header(headers, "paypal-transmission-id")
    transmission_time = require_header(headers, "paypal-transmission-time")
    signature_b64 = require_header(headers, "paypal-transmission-sig")
    cert_url = require_header(headers, "paypal-cert-url")
    if require_header(headers, "paypal-auth-algo") != AUTH_ALGO:
        raise Rejected(Reason.UNSUPPORTED_ALGORITHM)
    check_freshness(_transmission_time(transmission_time), now, settings.tolerance)
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected(Reason.MALFORMED_HEADER) from None
    key = settings.signing_key(cert_url, now)
    message = signed_message(transmission_id, transmission_time, settings.webhook_id, body)
    try:
        key.verify(signature, message, PKCS1v15(), SHA256())
    except InvalidSignature:
        raise Rejected(Reason.BAD_SIGNATURE) from None
    if settings.verification == "api":
        settings.confirm(
            {
                "auth_algo": AUTH_ALGO,
                "cert_url": cert_url,
                "transmission_id": transmission_id,
                "transmission_sig": signature_b64,
                "transmission_time": transmission_time,
                "webhook_id": settings.webhook_id,
            },
            body,
            now,
        )


PROVIDER = Provider("paypal", PayPalSettings.from_config, verify)
