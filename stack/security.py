"""The one customer-managed KMS key of the stack (PCI DSS 3.5.1, 3.6.1, 3.7.x)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from stack.naming import Naming, arn
from stack.resource_policies import key_policy


class EncryptionKey(pulumi.ComponentResource):
    """A rotating CMK that encrypts the table, queues, topic, parameters, logs and Lambda env."""

    key: aws.kms.Key
    alias: aws.kms.Alias

    def __init__(
        self,
        naming: Naming,
        *,
        account_id: pulumi.Input[str],
        region: str,
        deletion_window_days: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "payment-webhooks:security:EncryptionKey", naming.name("security"), None, opts
        )
        child = pulumi.ResourceOptions(parent=self)
        policy = pulumi.Output.from_input(account_id).apply(
            lambda account: json.dumps(
                key_policy(
                    account_id=account,
                    region=region,
                    log_group_names=[
                        naming.log_group("webhook-receiver"),
                        naming.log_group("webhook-processor"),
                    ],
                    topic_arn=arn("sns", region, account, naming.name("payment-events")),
                )
            )
        )
        self.key = aws.kms.Key(
            naming.name("payment-webhooks-key"),
            description=f"Payment webhooks ({naming.suffix}): table, queues, topic, secrets, logs",
            enable_key_rotation=True,
            deletion_window_in_days=deletion_window_days,
            policy=policy,
            tags=naming.tags(),
            opts=child,
        )
        self.alias = aws.kms.Alias(
            naming.name("payment-webhooks-key-alias"),
            name=f"alias/{naming.name('payment-webhooks-key')}",
            target_key_id=self.key.key_id,
            opts=child,
        )
        self.register_outputs({"keyArn": self.key.arn, "aliasName": self.alias.name})
