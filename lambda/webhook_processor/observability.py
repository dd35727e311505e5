"""Powertools Logger and Tracer, set up so no card data reaches logs or traces.

Every log record is scrubbed (:func:`webhook_processor.scrub.scrub`) just before it is
serialised, whatever a caller passed in ``extra`` or an exception message contained. The
tracer never captures handler responses or method return values as trace metadata; the
handlers add only scrubbed annotations.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aws_lambda_powertools import Logger, Tracer

from webhook_processor.scrub import scrub


def _serialize(log: dict[str, Any]) -> str:
    return json.dumps(scrub(log), default=str, separators=(",", ":"))


# Libraries that log request and response bodies at DEBUG: botocore would write decrypted
# SSM GetParameter values (the signing secrets), urllib3 the PayPal certificate exchange.
# Lambda sets the root logger from the function's log level, so these are capped whatever it is.
QUIET_LOGGERS = ("boto3", "botocore", "urllib3", "aws_lambda_powertools.utilities.parameters")
QUIET_LEVEL = logging.WARNING


def quiet_libraries() -> None:
    """Cap the loggers of libraries that would log secrets at DEBUG (see ``QUIET_LOGGERS``)."""
    for name in QUIET_LOGGERS:
        library = logging.getLogger(name)
        library.setLevel(max(library.level, QUIET_LEVEL))


def make_logger() -> Logger:
    """A JSON logger (service name from POWERTOOLS_SERVICE_NAME) that scrubs every record;
    libraries that could log secrets are capped first."""
    quiet_libraries()
    return Logger(json_serializer=_serialize)


def make_tracer() -> Tracer:
    """The X-Ray tracer; it patches botocore so every AWS call gets its own subsegment.

    Only botocore: patching every library the X-Ray SDK supports costs ~20 ms of cold start
    for modules these functions do not use.
    """
    return Tracer(patch_modules=("botocore",))


def annotate(tracer: Tracer, **values: str | int) -> None:
    """Add searchable, scrubbed annotations to the current trace segment."""
    for key, value in values.items():
        tracer.put_annotation(key, scrub(value))
