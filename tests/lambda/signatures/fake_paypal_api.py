"""A fake of PayPal's REST API on loopback: the OAuth2 token and verify-webhook-signature calls.

Shaped after PayPal's published reference: ``POST /v1/oauth2/token`` with HTTP Basic
``client_id:secret`` and ``grant_type=client_credentials`` answers ``access_token``,
``token_type`` ``Bearer``, ``app_id``, ``expires_in`` (seconds) and ``scope``
(developer.paypal.com/api/rest/authentication/, "Get an access token"; a wrong id or secret is
a 401 ``invalid_client``); ``POST /v1/notifications/verify-webhook-signature`` with a Bearer
token and a JSON ``verify_webhook_signature`` request answers ``{"verification_status":
"SUCCESS" | "FAILURE"}`` (developer.paypal.com/api/webhooks/v1/, "Verify webhook signature").
The values (ids, tokens) are ours. Every request is recorded; only the last token issued is
accepted, so a revoked or expired token shows as PayPal's 401.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

CLIENT_ID = "AeTestClientId-4mY0u7pZ"
CLIENT_SECRET = "EKtestClientSecret-9s8d7f6g5h4j3k2l1"
APP_ID = "APP-80W284485P519543T"  # the app id of PayPal's own sample token answer
MAX_REQUEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakePayPalApi:
    """What the fake answers; tests change these between calls."""

    client_secret: str = CLIENT_SECRET
    """The secret the fake accepts (rotated by tests)."""
    expires_in: int = 32_400
    token_status: int = 200
    token_answer: bytes | None = None
    """Overrides the token endpoint's body (malformed answers)."""
    verify_status: int = 200
    verification_status: str = "SUCCESS"
    verify_answer: bytes | None = None
    """Overrides the verify endpoint's body (malformed answers)."""
    delivered: set[str] = field(default_factory=set)
    """Events PayPal sent (``json.dumps`` of each parsed): when any are given, the answer is
    SUCCESS for those only, as PayPal knows what it delivered."""
    delay_seconds: float = 0.0
    redirect: bool = False
    requests: list[Recorded] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)

    def revoke(self) -> None:
        """Invalidate every token issued so far (PayPal then answers the verify call 401)."""
        self.issued.append("revoked")

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        self.requests.append(Recorded(path, headers, body))
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if path == "/v1/oauth2/token":
            return self._token(headers, body)
        if path == "/v1/notifications/verify-webhook-signature":
            return self._verify(headers, body)
        return 404, b'{"name": "RESOURCE_NOT_FOUND"}'

    def _token(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        basic = base64.b64encode(f"{CLIENT_ID}:{self.client_secret}".encode()).decode()
        if headers.get("authorization") != f"Basic {basic}" or self.token_status == 401:
            return 401, b'{"error": "invalid_client", "error_description": "Client Auth failed"}'
        if body != b"grant_type=client_credentials":
            return 400, b'{"error": "unsupported_grant_type"}'
        if self.token_status != 200 or self.token_answer is not None:
            return self.token_status, self.token_answer or b""
        token = f"A21AAtest-token-{len(self.issued)}"
        self.issued.append(token)
        answer = {
            "scope": "https://uri.paypal.com/services/applications/webhooks",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": APP_ID,
            "expires_in": self.expires_in,
            "nonce": "2026-12-02T15:00:00ZtestNonce",
        }
        return 200, json.dumps(answer).encode()

    def _verify(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if not self.issued or headers.get("authorization") != f"Bearer {self.issued[-1]}":
            return 401, b'{"error": "invalid_token"}'
        if self.verify_answer is not None:
            return self.verify_status, self.verify_answer
        status = self.verification_status
        if self.delivered:
            event = json.dumps(json.loads(body)["webhook_event"])
            status = "SUCCESS" if event in self.delivered else "FAILURE"
        return self.verify_status, json.dumps({"verification_status": status}).encode()


def _handler(api: FakePayPalApi) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, MAX_REQUEST_BYTES))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, answer = api.answer(self.path, headers, body)
            if api.redirect:
                status, answer = 302, b""
            self.send_response(status)
            if api.redirect:
                self.send_header("Location", "https://evil.example.com/")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: object) -> None:
            pass

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, *_args: object) -> None:
        pass  # a client that gave up (the timeout test) is not the fake's error


@contextmanager
def serving(api: FakePayPalApi, wrap: Any = None) -> Iterator[int]:
    """Serve ``api`` on 127.0.0.1 (``wrap`` turns the socket into TLS); yields the port and
    stops the server on exit."""
    httpd = _Server(("127.0.0.1", 0), _handler(api))
    if wrap is not None:
        httpd.socket = wrap(httpd.socket)
    # A short poll interval: shutdown() waits for one, and each test starts its own server.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
