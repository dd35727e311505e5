"""The receiver: Function URL (payload 2.0) -> verify the signature -> one SQS message -> 200.

Steady state is one AWS call per request (SendMessage; one per item of an Adyen batch): signing
material comes from SSM through Powertools' SSMProvider, cached for ``SECRET_TTL_SECONDS``.
Failure handling:

- unknown path 404, wrong method 405, body over ``MAX_BODY_BYTES`` 413; nothing enqueued;
- signing material missing or still ``UNSET:`` (or SSM unreachable): 503, fail closed;
- the provider's verification API unavailable or refusing our credentials (PayPal with
  ``verification: api``): 503, fail closed, so the provider retries;
- bad signature: re-read the material once (a rotated secret works without a deploy, at most
  one forced re-read per provider per refresh interval), then 401 with a generic body and
  the reason code in the log; nothing enqueued (PayPal's API refusing our credentials gets
  the same re-read, then 503);
- verified but not JSON: can never be processed, so it goes to the DLQ with its reason (200),
  encoded so SQS accepts it whatever it holds (empty, NUL...);
- Adyen: one SQS message per ``NotificationRequestItem``, answered ``[accepted]``;
- enqueue fails: 503, so the provider retries and an accepted delivery is never dropped.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from webhook_processor import clients, metrics, signatures
from webhook_processor.config import ReceiverConfig
from webhook_processor.envelope import Envelope, dead_letter
from webhook_processor.exceptions import ConfigurationError
from webhook_processor.observability import annotate, make_logger, make_tracer
from webhook_processor.references import issued_fields
from webhook_processor.scrub import scrub, scrub_text

logger = make_logger()
tracer = make_tracer()

ADYEN_ACK = "[accepted]"
# Headers worth keeping beside the payload: delivery identifiers, no signatures or secrets.
FORWARDED_HEADERS = (
    "content-type",
    "paypal-transmission-id",
    "paypal-transmission-time",
    "square-initial-delivery-timestamp",
    "square-retry-number",
    "square-retry-reason",
)


def response(status: int, message: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Function URL response with a small JSON body that reveals nothing about the cause."""
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **(headers or {})},
        "body": json.dumps({"message": message}),
    }


class SigningMaterial:
    """Each provider's verification settings, read from SSM (decrypted) and cached with a TTL.

    One instance lives for the execution environment, so a warm function makes no SSM call.
    Verifiers are rebuilt only when a parameter value changes: PayPal's keeps its
    certificate cache inside.
    """

    def __init__(self, config: ReceiverConfig) -> None:
        from aws_lambda_powertools.utilities.parameters import SSMProvider

        self.config = config
        self._ssm = SSMProvider(boto3_client=clients.client("ssm"))
        self._verifiers: dict[str, tuple[tuple[tuple[str, str], ...], signatures.Verifier]] = {}
        self._refreshed_at: dict[str, float] = {}

    def verifier(self, provider: str, *, refresh: bool = False) -> signatures.Verifier:
        """The provider's verifier; ConfigurationError when a parameter is missing or unset."""
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        names = self.config.parameters[provider]
        try:
            values = tuple(
                (
                    key,
                    str(
                        self._ssm.get(
                            name,
                            decrypt=True,
                            max_age=self.config.secret_ttl_seconds,
                            force_fetch=refresh,
                        )
                    ),
                )
                for key, name in sorted(names.items())
            )
        except GetParameterError as error:
            # Powertools raises it while handling the botocore error: that one names the cause.
            cause = clients.error_code(error.__context__ or error)
            msg = f"{provider}: signing material unavailable ({cause})"
            raise ConfigurationError(msg) from None
        cached = self._verifiers.get(provider)
        if cached is not None and cached[0] == values:
            return cached[1]
        try:
            built = signatures.verifier(
                provider, {**self.config.options.get(provider, {}), **dict(values)}
            )
        except signatures.ConfigError as error:
            raise ConfigurationError(str(error)) from None
        self._verifiers[provider] = (values, built)
        return built

    def may_refresh(self, provider: str, now: float) -> bool:
        """True at most once per refresh interval per provider (and records the refresh)."""
        last = self._refreshed_at.get(provider)
        if last is not None and now - last < self.config.refresh_interval_seconds:
            return False
        self._refreshed_at[provider] = now
        return True


_material: SigningMaterial | None = None


def signing_material(config: ReceiverConfig) -> SigningMaterial:
    """The execution environment's SigningMaterial (created on the first request)."""
    global _material  # noqa: PLW0603 - one cache per execution environment
    if _material is None or _material.config != config:
        _material = SigningMaterial(config)
    return _material


def _raw_body(event: Mapping[str, Any]) -> bytes | None:
    """The exact bytes the provider sent (Function URLs base64-encode non-text bodies)."""
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return str(body).encode()
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def _received_at(event: Mapping[str, Any], now: float) -> str:
    epoch_ms = event.get("requestContext", {}).get("timeEpoch")
    seconds = epoch_ms / 1000 if isinstance(epoch_ms, int) else now
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _route(config: ReceiverConfig, event: Mapping[str, Any]) -> tuple[str, bytes] | dict[str, Any]:
    """The provider and the raw body of an acceptable request, or the response refusing it."""
    http = event.get("requestContext", {}).get("http", {})
    provider = str(event.get("rawPath") or http.get("path") or "").strip("/")
    if provider not in config.parameters or provider not in signatures.PROVIDERS:
        metrics.delivery(metrics.REQUEST_REJECTED, reason="not_found")
        return response(404, "not found")
    if http.get("method") != "POST":
        metrics.delivery(metrics.REQUEST_REJECTED, provider=provider, reason="method_not_allowed")
        return response(405, "method not allowed", {"allow": "POST"})
    body = _raw_body(event)
    if body is None:
        metrics.delivery(metrics.REQUEST_REJECTED, provider=provider, reason="bad_request")
        return response(400, "bad request")
    if len(body) > config.max_body_bytes:
        metrics.delivery(metrics.REQUEST_REJECTED, provider=provider, reason="payload_too_large")
        return response(413, "payload too large")
    return provider, body


_REFRESHING = frozenset({signatures.Reason.BAD_SIGNATURE, signatures.Reason.CREDENTIALS_REJECTED})
"""Verdicts a rotated value in SSM explains (a signing secret; PayPal's API credentials)."""


def _verify(
    material: SigningMaterial, provider: str, headers: Mapping[str, str], body: bytes, now: float
) -> dict[str, Any] | None:
    """None when the delivery is authentic, else the response refusing it (401 or 503)."""
    try:
        verdict = material.verifier(provider)(headers, body, now=now)
        if verdict.reason in _REFRESHING and material.may_refresh(provider, now):
            verdict = material.verifier(provider, refresh=True)(headers, body, now=now)
    except ConfigurationError as error:
        logger.error("signing material unusable: failing closed", extra={"error": str(error)})
        metrics.delivery(metrics.FAILED_CLOSED, provider=provider)
        return response(503, "service unavailable")
    if verdict:
        return None
    if verdict.reason in signatures.UNAVAILABLE:  # e.g. PayPal's API down: PayPal retries a 503
        logger.error(
            "signature cannot be verified now: failing closed",
            extra={"provider": provider, "reason": verdict.reason},
        )
        metrics.delivery(metrics.FAILED_CLOSED, provider=provider, reason=verdict.reason)
        return response(503, "service unavailable")
    logger.warning("signature rejected", extra={"provider": provider, "reason": verdict.reason})
    metrics.delivery(metrics.SIGNATURE_REJECTED, provider=provider, reason=verdict.reason)
    return response(401, "unauthorized")


def receive(config: ReceiverConfig, event: Mapping[str, Any], now: float) -> dict[str, Any]:
    """Answer one Function URL request (see the module docstring for every outcome)."""
    routed = _route(config, event)
    if isinstance(routed, dict):
        return routed
    provider, body = routed
    annotate(tracer, provider=provider)
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    refused = _verify(signing_material(config), provider, headers, body, now)
    if refused:
        return refused

    reason = None
    try:
        envelopes = [
            Envelope(
                provider=provider,
                payload=scrub(payload, issued_fields(provider)),
                received_at=_received_at(event, now),
                correlation_id=logger.get_correlation_id() or str(uuid.uuid4()),
                headers=scrub(
                    {name: headers[name] for name in FORWARDED_HEADERS if name in headers}
                ),
            ).to_json()
            for payload in _payloads(provider, json.loads(body))
        ]
    except (ValueError, RecursionError) as error:
        reason = f"{provider}: verified body is not usable JSON ({type(error).__name__})"
        logger.error("poison delivery: sending it to the DLQ", extra={"reason": reason})
        envelopes = [dead_letter(provider, scrub_text(body.decode("utf-8", errors="replace")))]
    queue_url = config.dlq_url if reason else config.ingest_queue_url
    for message in envelopes:
        error_code = clients.send_message(queue_url, message, reason=reason)
        if error_code:  # the provider retries the whole delivery; the processor dedupes
            logger.error("enqueue failed", extra={"error": error_code})
            metrics.delivery(metrics.ENQUEUE_FAILED, provider=provider)
            return response(503, "service unavailable")
    outcome = metrics.DELIVERY_DEAD_LETTERED if reason else metrics.DELIVERY_ACCEPTED
    metrics.delivery(outcome, provider=provider)
    logger.info("delivery accepted", extra={"provider": provider, "bytes": len(body)})
    if provider == "adyen":  # Adyen retries any delivery not answered with this exact body
        return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": ADYEN_ACK}
    return response(200, "accepted")


def _payloads(provider: str, payload: Any) -> list[Any]:
    """The queue messages of one verified delivery: one per Adyen ``NotificationRequestItem``
    (each is signed and processed on its own), otherwise the payload itself."""
    if provider != "adyen":
        return [payload]
    # The verifier checked this shape and every item's signature before we got here.
    return [wrapper["NotificationRequestItem"] for wrapper in payload["notificationItems"]]


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point for the Function URL (payload format 2.0)."""
    try:
        config = ReceiverConfig.from_env(os.environ)
    except ConfigurationError as error:
        logger.error("receiver misconfigured: failing closed", extra={"error": str(error)})
        metrics.delivery(metrics.FAILED_CLOSED)
        return response(503, "service unavailable")
    return receive(config, event, time.time())
