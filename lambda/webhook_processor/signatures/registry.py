"""The provider plug-ins by name: adding a provider is one module plus one line here."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from webhook_processor.signatures import adyen, paypal, square, standardwebhooks, stripe
from webhook_processor.signatures._base import Provider

PROVIDERS: Mapping[str, Provider[Any]] = MappingProxyType(
    {
        provider.name: provider
        for provider in (
            stripe.PROVIDER,
            square.PROVIDER,
            paypal.PROVIDER,
            adyen.PROVIDER,
            standardwebhooks.PROVIDER,
        )
    }
)
