"""The default certificate fetcher against a real HTTPS server on loopback: TLS is verified,
redirects are refused, the size cap holds. The server serves a few fixed paths and stops with the
module."""

from __future__ import annotations

import http.server
import ssl
import threading
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from webhook_processor.signatures import paypal
from webhook_processor.signatures.paypal import MAX_CERT_BYTES, fetch_certificate

from . import sigkit

pytestmark = pytest.mark.evidence("6.2.4")

PEM = b"-----BEGIN CERTIFICATE-----\nserved\n-----END CERTIFICATE-----\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/v1/notifications/certs/CERT-ok": (200, PEM),
            "/v1/notifications/certs/CERT-big": (200, b"x" * (MAX_CERT_BYTES + 1)),
            "/v1/notifications/certs/CERT-redirect": (302, b""),
        }
        status, body = routes.get(self.path, (404, b""))
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/v1/notifications/certs/CERT-ok")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS server for ``localhost`` with a certificate from a throw-away CA."""
    context, ca = sigkit.localhost_tls(tmp_path_factory.mktemp("https"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{httpd.server_address[1]}", ca
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def trusting_test_ca(server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> str:
    """Make the fetcher's TLS context trust the test CA (instead of the system bundle)."""
    base, ca = server
    original = ssl.create_default_context
    monkeypatch.setattr(paypal.ssl, "create_default_context", lambda: original(cafile=ca))
    return base


def test_a_server_the_system_does_not_trust_is_refused(server: tuple[str, Path]) -> None:
    base, _ = server
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_certificate(f"{base}/v1/notifications/certs/CERT-ok")


def test_a_trusted_server_is_read(trusting_test_ca: str) -> None:
    assert fetch_certificate(f"{trusting_test_ca}/v1/notifications/certs/CERT-ok") == PEM


def test_redirects_are_not_followed(trusting_test_ca: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch_certificate(f"{trusting_test_ca}/v1/notifications/certs/CERT-redirect")
    assert error.value.code == 302


def test_responses_over_the_cap_are_refused(trusting_test_ca: str) -> None:
    with pytest.raises(ValueError, match="larger than"):
        fetch_certificate(f"{trusting_test_ca}/v1/notifications/certs/CERT-big")
