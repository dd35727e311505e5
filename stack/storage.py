"""The transaction table: one item per normalised payment event."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from stack.naming import Naming


class TransactionTable(pulumi.ComponentResource):
    """``payment-transactions-<suffix>``: on-demand, PITR (PCI 10.5.1), CMK-encrypted (3.5.1)."""

    table: aws.dynamodb.Table

    def __init__(
        self,
        naming: Naming,
        *,
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "payment-webhooks:storage:TransactionTable", naming.name("storage"), None, opts
        )
        name = naming.name("payment-transactions")
        self.table = aws.dynamodb.Table(
            name,
            name=name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="transaction_id",
            range_key="timestamp",
            attributes=[
                aws.dynamodb.TableAttributeArgs(name="transaction_id", type="S"),
                aws.dynamodb.TableAttributeArgs(name="timestamp", type="S"),
            ],
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=key_arn
            ),
            deletion_protection_enabled=False,
            tags=naming.tags(),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"tableName": self.table.name, "tableArn": self.table.arn})
