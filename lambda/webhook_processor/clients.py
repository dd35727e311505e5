"""boto3 clients built once per execution environment, with bounded retries and timeouts.

Standard retry mode with 3 attempts and short timeouts bounds one call: at most
``WORST_CALL_SECONDS`` (3 x (2 s + 5 s) plus backoff) before it fails with an error the handler
can answer (5xx, batch item failure). The processor makes many calls per batch, so it also
stops starting calls once less than that is left of its invocation (``processor.Deadline``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.config import Config

CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 3
WORST_CALL_SECONDS = MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + 1 + 2
"""One call's longest failure: every attempt timing out, plus standard mode's backoff before
the second and third attempts (at most 1 s and 2 s)."""


@cache
def client_config() -> Config:
    """The botocore configuration every client of this package uses."""
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
    )


@cache
def client(service: str) -> Any:
    """The shared client for ``service`` (created on first use, so cold starts pay only for
    the clients a function actually calls)."""
    import boto3

    return boto3.client(service, config=client_config())


def reset() -> None:
    """Forget cached clients (tests switch credentials between roles)."""
    client.cache_clear()


def error_code(error: BaseException) -> str:
    """The AWS error code of a botocore error (or its class name), safe to log."""
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code") or type(error).__name__)


def send_message(queue_url: str, body: str, *, reason: str | None = None) -> str | None:
    """Send one SQS message, with a ``reason`` attribute for dead letters.

    Returns None when SQS accepted it, else the error code: the caller decides what a refusal
    means (5xx to the provider, or the message back to its queue).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from webhook_processor.scrub import scrub_text

    # A reason may quote a field of the payload: it leaves the function, so it is scrubbed.
    attributes = (
        {"reason": {"DataType": "String", "StringValue": scrub_text(reason)}} if reason else {}
    )
    try:
        client("sqs").send_message(
            QueueUrl=queue_url, MessageBody=body, MessageAttributes=attributes
        )
    except (BotoCoreError, ClientError) as error:
        return error_code(error)
    return None
