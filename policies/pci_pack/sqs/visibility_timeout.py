"""A consumed queue's visibility timeout is at least N x its consumer's timeout (AWS: 6x).

Shorter, and a message still being processed becomes visible again and is delivered twice, and
batches can exhaust maxReceiveCount while their first attempt is still running.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.graph import of_type, referenced
from pci_pack.meta import setting, stack_policy
from pci_pack.props import UNKNOWN, label, message, number, peek, show

QUEUE = "aws:sqs/queue:Queue"
FUNCTION = "aws:lambda/function:Function"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
SQS_DEFAULT_VISIBILITY = 30.0
LAMBDA_DEFAULT_TIMEOUT = 3.0
CONFIG = {"multiplier": {"type": "number", "minimum": 1, "default": 6}}


def _seconds(value: object, default: float) -> float | None:
    if value is UNKNOWN:
        return None
    return default if value is None else number(value)


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    factor = float(setting(args, "multiplier", CONFIG))
    queues = of_type(args.resources, QUEUE)
    functions = of_type(args.resources, FUNCTION)
    for mapping in of_type(args.resources, MAPPING):
        source_arn = peek(mapping.props, "eventSourceArn")
        sources = referenced(mapping, "eventSourceArn", queues, source_arn)
        consumers = referenced(
            mapping, "functionName", functions, peek(mapping.props, "functionName")
        )
        for queue in sources:
            raw_visibility = peek(queue.props, "visibilityTimeoutSeconds")
            visibility = _seconds(raw_visibility, SQS_DEFAULT_VISIBILITY)
            for function in consumers:
                timeout = _seconds(peek(function.props, "timeout"), LAMBDA_DEFAULT_TIMEOUT)
                if visibility is None or timeout is None or visibility >= factor * timeout:
                    continue
                needed = factor * timeout
                report(
                    message(
                        f"SQS queue {label(queue.resource_type, queue.name)}",
                        f"has visibility timeout {show(visibility)} s, below {show(factor)} x "
                        f"the {show(timeout)} s timeout of its consumer "
                        f"{label(function.resource_type, function.name)}",
                        f"set visibility_timeout_seconds>={show(needed)}",
                    ),
                    queue.urn,
                )


POLICY = stack_policy(
    name="sqs-visibility-timeout-covers-consumer",
    description="A consumed queue's visibility timeout must be at least 6x its consumer's timeout.",
    validate=_validate,
    reference="2.2.1",
    severity=Severity.MEDIUM,
    remediation="Raise visibility_timeout_seconds to multiplier x the consumer function's timeout.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html",
    tags=["sqs", "lambda", "reliability"],
    config=CONFIG,
)
