"""The top-level component: the whole payment webhook platform of one stack."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from stack.alerting import Alerting, Thresholds, watches
from stack.config import StackConfig
from stack.dashboard import PipelineDashboard
from stack.functions import FunctionInputs, FunctionSettings, LogArchive, WebhookFunctions
from stack.messaging import Messaging
from stack.naming import REGION
from stack.secrets import WebhookSecrets
from stack.security import EncryptionKey
from stack.storage import TransactionTable


class PaymentWebhooks(pulumi.ComponentResource):
    """Composes one component per concern; every child is parented here, on ``provider``."""

    def __init__(
        self,
        config: StackConfig,
        *,
        secret_values: Mapping[str, pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        naming = config.naming
        super().__init__(
            "payment-webhooks:index:PaymentWebhooks", naming.name("platform"), None, opts
        )
        self.provider = aws.Provider(
            naming.name("aws-provider"),
            region=REGION,
            default_tags=aws.ProviderDefaultTagsArgs(tags=naming.tags()),
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, providers=[self.provider])
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self, provider=self.provider)
        ).account_id

        self.security = EncryptionKey(
            naming,
            account_id=account_id,
            region=REGION,
            deletion_window_days=config.kms_deletion_window_days,
            opts=child,
        )
        key_arn = self.security.key.arn
        self.storage = TransactionTable(naming, key_arn=key_arn, opts=child)
        self.messaging = Messaging(
            naming,
            key_arn=key_arn,
            max_receive_count=config.max_receive_count,
            visibility_timeout_seconds=config.queue_visibility_timeout_seconds,
            opts=child,
        )
        self.secrets = WebhookSecrets(naming, key_arn=key_arn, values=secret_values, opts=child)
        self.functions = WebhookFunctions(
            naming,
            settings=FunctionSettings(
                memory_mb=config.lambda_memory_mb,
                timeout_seconds=config.lambda_timeout_seconds,
                reserved_concurrency=config.reserved_concurrency,
                mapping_max_concurrency=config.mapping_max_concurrency,
                log_retention_days=config.log_retention_days,
                max_event_age_seconds=config.max_event_age_seconds,
                log_level=config.log_level,
                bundle=config.lambda_bundle,
                paypal_sandbox=config.paypal_sandbox,
                paypal_verification=config.paypal_verification,
                log_archive=(
                    LogArchive(config.log_archive_destination_arn, config.log_archive_role_arn)
                    if config.log_archive_destination_arn
                    else None
                ),
            ),
            inputs=FunctionInputs(
                key_arn=key_arn,
                ingest_queue_arn=self.messaging.ingest_queue.arn,
                ingest_queue_url=self.messaging.ingest_queue.url,
                dlq_arn=self.messaging.dead_letter_queue.arn,
                dlq_url=self.messaging.dead_letter_queue.url,
                table_arn=self.storage.table.arn,
                table_name=self.storage.table.name,
                topic_arn=self.messaging.topic.arn,
                parameters=self.secrets.parameters,
            ),
            opts=child,
        )
        function_names = {
            "webhook-receiver": self.functions.receiver.name,
            "webhook-processor": self.functions.processor.name,
        }
        self.alerting = Alerting(
            naming,
            key_arn=key_arn,
            account_id=account_id,
            region=REGION,
            watched=watches(
                naming,
                dead_letter_queue_name=self.messaging.dead_letter_queue.name,
                ingest_queue_name=self.messaging.ingest_queue.name,
                function_names=function_names,
                thresholds=Thresholds(
                    signature_rejections=config.signature_rejection_threshold,
                    ingest_age_seconds=config.ingest_age_alarm_seconds,
                ),
            ),
            alert_email=config.alert_email,
            opts=child,
        )
        self.dashboard = PipelineDashboard(
            naming,
            region=REGION,
            function_names=function_names,
            ingest_queue_name=self.messaging.ingest_queue.name,
            dead_letter_queue_name=self.messaging.dead_letter_queue.name,
            opts=child,
        )
        self.outputs: dict[str, pulumi.Output[object]] = {
            "receiverUrl": self.functions.receiver_url.function_url,
            "receiverFunctionName": self.functions.receiver.name,
            "processorFunctionName": self.functions.processor.name,
            "tableName": self.storage.table.name,
            "topicArn": self.messaging.topic.arn,
            "ingestQueueUrl": self.messaging.ingest_queue.url,
            "deadLetterQueueUrl": self.messaging.dead_letter_queue.url,
            "keyArn": key_arn,
            "keyAlias": self.security.alias.name,
            "alertsTopicArn": self.alerting.topic.arn,
            "dashboardName": self.dashboard.dashboard.dashboard_name,
            "parameterNames": pulumi.Output.all(
                **{env: p.name for env, p in self.secrets.parameters.items()}
            ),
        }
        self.register_outputs(self.outputs)
