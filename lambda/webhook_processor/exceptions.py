"""Errors the handlers tell apart: a poison message is never retried, anything else may be."""

from __future__ import annotations


class WebhookError(Exception):
    """Base class of the package's own errors."""


class PoisonMessageError(WebhookError):
    """A verified delivery that can never be processed (malformed envelope or payload).

    Retrying cannot help, so the message goes straight to the dead-letter queue with this
    error's message as the reason.
    """


class ConfigurationError(WebhookError):
    """A required setting is missing or still holds the ``UNSET:`` placeholder (fail closed)."""
