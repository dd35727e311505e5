"""Webhook signing values as SSM SecureStrings under the stack CMK (PCI DSS 3.5.1, 8.6.2).

A value comes from secret stack config when given. Otherwise the parameter holds a placeholder
the functions refuse (they fail closed) and Pulumi ignores later value changes, so an operator
can set or rotate it with ``aws ssm put-parameter --overwrite --key-id <the stack key>`` without
the next ``pulumi up`` reverting it. (Without ``--key-id`` SSM re-encrypts the value with the
AWS-managed ``alias/aws/ssm`` key instead of the stack's CMK.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pulumi
import pulumi_aws as aws

from stack.config import SECRET_KEYS
from stack.naming import Naming

# The handler code treats any value starting with "UNSET:" as not configured.
PLACEHOLDER: Final = (
    "UNSET: set with aws ssm put-parameter --overwrite --type SecureString "
    "--key-id alias/payment-webhooks-key-<suffix>"
)


def environment_variable(provider: str, value: str) -> str:
    """The Lambda variable holding the parameter name, e.g. STRIPE_SIGNING_SECRET_PARAM."""
    return f"{provider}_{value}_PARAM".replace("-", "_").upper()


class WebhookSecrets(pulumi.ComponentResource):
    """One SecureString per provider signing value."""

    parameters: dict[str, aws.ssm.Parameter]
    """By environment variable name (e.g. ``STRIPE_SIGNING_SECRET_PARAM``)."""

    def __init__(
        self,
        naming: Naming,
        *,
        key_arn: pulumi.Input[str],
        values: Mapping[str, pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "payment-webhooks:secrets:WebhookSecrets", naming.name("secrets"), None, opts
        )
        self.parameters = {}
        for config_key, (provider, value_name) in SECRET_KEYS.items():
            given = values.get(config_key)
            self.parameters[environment_variable(provider, value_name)] = aws.ssm.Parameter(
                naming.name(f"{provider}-{value_name}"),
                name=naming.parameter(provider, value_name),
                type="SecureString",
                key_id=key_arn,
                value=PLACEHOLDER if given is None else given,
                description=f"{provider} webhook {value_name.replace('-', ' ')}",
                tags=naming.tags(),
                opts=pulumi.ResourceOptions(
                    parent=self, ignore_changes=["value"] if given is None else None
                ),
            )
        self.register_outputs({env: p.name for env, p in self.parameters.items()})
