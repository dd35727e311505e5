"""The receiver and processor Lambda functions, their roles, logs and triggers.

Both run from one bundle on arm64 with X-Ray active, reserved concurrency, a CMK for their
environment, a dead-letter queue and an explicit CMK-encrypted log group. Each has its own role
whose inline policy comes from the pure documents in ``stack.iam``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pulumi
import pulumi_aws as aws

from stack import iam
from stack.bundle import LAMBDA_RUNTIME, BundleMissingError, locate
from stack.naming import Naming

ARCHITECTURE: Final = "arm64"
# Lambda retries a failed asynchronous invocation at most twice.
ASYNC_RETRY_ATTEMPTS: Final = 2
SQS_BATCH_SIZE: Final = 10
# Python logging level names -> Lambda's application log levels.
LAMBDA_LOG_LEVELS: Final = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "ERROR": "ERROR"}


@dataclass(frozen=True)
class LogArchive:
    """Where both log groups are streamed for the 12-month history (PCI DSS 10.5.1)."""

    destination_arn: str
    role_arn: str | None


@dataclass(frozen=True)
class FunctionSettings:
    """What the two functions share, from the validated stack config."""

    memory_mb: int
    timeout_seconds: int
    reserved_concurrency: int
    mapping_max_concurrency: int
    """The processor's SQS pollers stay below its reservation (never throttled into the DLQ)."""
    log_retention_days: int
    max_event_age_seconds: int
    log_level: str
    bundle: Path
    paypal_sandbox: bool
    paypal_verification: str
    log_archive: LogArchive | None = None


@dataclass(frozen=True)
class FunctionInputs:
    """The resources the functions use, produced by the other components."""

    key_arn: pulumi.Output[str]
    ingest_queue_arn: pulumi.Output[str]
    ingest_queue_url: pulumi.Output[str]
    dlq_arn: pulumi.Output[str]
    dlq_url: pulumi.Output[str]
    table_arn: pulumi.Output[str]
    table_name: pulumi.Output[str]
    topic_arn: pulumi.Output[str]
    parameters: Mapping[str, aws.ssm.Parameter]
    """SSM parameters by the environment variable that names them."""


class WebhookFunctions(pulumi.ComponentResource):
    """The receiver behind a public Function URL and the processor on the ingest queue."""

    receiver: aws.lambda_.Function
    processor: aws.lambda_.Function
    receiver_url: aws.lambda_.FunctionUrl

    def __init__(
        self,
        naming: Naming,
        *,
        settings: FunctionSettings,
        inputs: FunctionInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            "payment-webhooks:functions:WebhookFunctions", naming.name("functions"), None, opts
        )
        self._naming = naming
        self._settings = settings
        try:
            self._code = pulumi.FileArchive(str(locate(settings.bundle)))
        except BundleMissingError as error:
            # A RunError: the CLI shows the message (run `make package`), not a traceback.
            raise pulumi.RunError(str(error)) from None
        self._inputs = inputs

        self.receiver = self._function(
            iam.RECEIVER,
            handler="webhook_processor.receiver.handler",
            environment={
                "INGEST_QUEUE_URL": inputs.ingest_queue_url,
                **{env: p.name for env, p in inputs.parameters.items()},
                # Sandbox-signed PayPal deliveries are refused unless this is "true".
                "PAYPAL_SANDBOX": "true" if settings.paypal_sandbox else "false",
                # auto, api or local: how PayPal deliveries are verified (docs/deploying.md).
                "PAYPAL_VERIFICATION": settings.paypal_verification,
            },
            grant_resources={
                iam.PARAMETERS: [p.arn for p in inputs.parameters.values()],
                iam.INGEST_QUEUE: [inputs.ingest_queue_arn],
            },
        )
        self.processor = self._function(
            iam.PROCESSOR,
            handler="webhook_processor.processor.handler",
            environment={"TABLE_NAME": inputs.table_name, "TOPIC_ARN": inputs.topic_arn},
            grant_resources={
                iam.INGEST_QUEUE: [inputs.ingest_queue_arn],
                iam.TABLE: [inputs.table_arn],
                iam.TOPIC: [inputs.topic_arn],
            },
        )
        self.receiver_url = self._public_url(self.receiver)
        aws.lambda_.EventSourceMapping(
            naming.name("webhook-events-mapping"),
            event_source_arn=inputs.ingest_queue_arn,
            function_name=self.processor.arn,
            batch_size=SQS_BATCH_SIZE,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config=aws.lambda_.EventSourceMappingScalingConfigArgs(
                maximum_concurrency=settings.mapping_max_concurrency
            ),
            tags=naming.tags(),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs(
            {
                "receiverName": self.receiver.name,
                "processorName": self.processor.name,
                "receiverUrl": self.receiver_url.function_url,
            }
        )

    def _function(
        self,
        kind: str,
        *,
        handler: str,
        environment: Mapping[str, pulumi.Input[str]],
        grant_resources: Mapping[str, Sequence[pulumi.Input[str]]],
    ) -> aws.lambda_.Function:
        naming, settings, inputs = self._naming, self._settings, self._inputs
        child = pulumi.ResourceOptions(parent=self)
        name = naming.name(kind)

        log_group = aws.cloudwatch.LogGroup(
            naming.name(f"{kind}-logs"),
            name=naming.log_group(kind),
            retention_in_days=settings.log_retention_days,
            kms_key_id=inputs.key_arn,
            tags=naming.tags(Component=kind),
            opts=child,
        )
        if settings.log_archive is not None:
            # Every event, as CloudWatch receives it, also goes to the long-term archive.
            aws.cloudwatch.LogSubscriptionFilter(
                naming.name(f"{kind}-log-archive"),
                name=naming.name(f"{kind}-log-archive"),
                log_group=log_group.name,
                filter_pattern="",
                destination_arn=settings.log_archive.destination_arn,
                role_arn=settings.log_archive.role_arn,
                opts=child,
            )
        role = aws.iam.Role(
            naming.name(f"{kind}-role"),
            name=naming.name(f"{kind}-role"),
            assume_role_policy=json.dumps(iam.lambda_assume_role_policy()),
            tags=naming.tags(Component=kind),
            opts=child,
        )
        resources: dict[str, Sequence[pulumi.Input[str]]] = {
            **grant_resources,
            iam.KEY: [inputs.key_arn],
            iam.DLQ: [inputs.dlq_arn],
            iam.LOG_GROUP: [log_group.arn.apply(lambda arn: f"{arn}:*")],
        }
        keys = list(resources)
        policy = aws.iam.RolePolicy(
            naming.name(f"{kind}-policy"),
            name=naming.name(f"{kind}-policy"),
            role=role.id,
            policy=pulumi.Output.all(*(pulumi.Output.all(*resources[k]) for k in keys)).apply(
                lambda arns: json.dumps(
                    iam.function_policy(kind, dict(zip(keys, arns, strict=True)))
                )
            ),
            opts=child,
        )
        function = aws.lambda_.Function(
            name,
            name=name,
            role=role.arn,
            runtime=LAMBDA_RUNTIME,
            handler=handler,
            code=self._code,
            architectures=[ARCHITECTURE],
            memory_size=settings.memory_mb,
            timeout=settings.timeout_seconds,
            reserved_concurrent_executions=settings.reserved_concurrency,
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            kms_key_arn=inputs.key_arn,
            dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=inputs.dlq_arn),
            # With JSON logs Lambda filters by these levels and sets AWS_LAMBDA_LOG_LEVEL, which
            # Powertools prefers to POWERTOOLS_LOG_LEVEL: both must carry the configured level.
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON",
                log_group=log_group.name,
                application_log_level=LAMBDA_LOG_LEVELS[settings.log_level],
                system_log_level="INFO",
            ),
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    **environment,
                    "DLQ_URL": inputs.dlq_url,
                    "POWERTOOLS_SERVICE_NAME": kind,
                    "POWERTOOLS_METRICS_NAMESPACE": naming.metrics_namespace,
                    "POWERTOOLS_LOG_LEVEL": settings.log_level,
                }
            ),
            tags=naming.tags(Component=kind),
            # Lambda validates the role's DLQ permissions at creation time. (The log group is
            # already a dependency through logging_config.)
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        aws.lambda_.FunctionEventInvokeConfig(
            naming.name(f"{kind}-invoke-config"),
            function_name=function.name,
            maximum_retry_attempts=ASYNC_RETRY_ATTEMPTS,
            maximum_event_age_in_seconds=settings.max_event_age_seconds,
            destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                    destination=inputs.dlq_arn
                )
            ),
            opts=child,
        )
        return function

    def _public_url(self, function: aws.lambda_.Function) -> aws.lambda_.FunctionUrl:
        """A Function URL with auth NONE: providers cannot sign AWS requests, so the webhook
        signature check in the receiver is the authentication. Since October 2025 a public URL
        needs both permissions below in the function's resource policy."""
        naming = self._naming
        child = pulumi.ResourceOptions(parent=self)
        url = aws.lambda_.FunctionUrl(
            naming.name("webhook-receiver-url"),
            function_name=function.name,
            authorization_type="NONE",
            invoke_mode="BUFFERED",
            opts=child,
        )
        aws.lambda_.Permission(
            naming.name("webhook-receiver-url-invoke"),
            function=function.name,
            action="lambda:InvokeFunctionUrl",
            principal="*",
            function_url_auth_type="NONE",
            opts=child,
        )
        aws.lambda_.Permission(
            naming.name("webhook-receiver-invoke"),
            function=function.name,
            action="lambda:InvokeFunction",
            principal="*",
            invoked_via_function_url=True,
            opts=child,
        )
        return url
