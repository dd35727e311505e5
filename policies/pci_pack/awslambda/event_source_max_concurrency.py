"""SQS event source mappings cap their concurrency below their function's reservation.

The SQS pollers scale independently of the function's reserved concurrency. When they scale past
it, Lambda throttles the invocations and the messages return to the queue; each return counts
toward the redrive policy's ``maxReceiveCount``, so events reach the dead-letter queue without
ever being processed. ``scaling_config.maximum_concurrency`` below the reservation prevents it.
A function without reserved concurrency is not capped this way, so its mappings are not checked.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from pci_pack.graph import of_type, referenced
from pci_pack.meta import stack_policy
from pci_pack.props import UNKNOWN, label, message, number, peek, show

FUNCTION = "aws:lambda/function:Function"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
QUEUE = "aws:sqs/queue:Queue"


def _reads_sqs(mapping: PolicyResource, queues: list[PolicyResource]) -> bool:
    source = peek(mapping.props, "eventSourceArn")
    if isinstance(source, str) and source.startswith("arn:aws:sqs:"):
        return True
    return bool(referenced(mapping, "eventSourceArn", queues, source))


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    functions = of_type(args.resources, FUNCTION)
    queues = of_type(args.resources, QUEUE)
    for mapping in of_type(args.resources, MAPPING):
        if not _reads_sqs(mapping, queues):
            continue
        target = peek(mapping.props, "functionName")
        for function in referenced(mapping, "functionName", functions, target):
            reserved = number(peek(function.props, "reservedConcurrentExecutions"))
            if reserved is None or reserved < 0:
                continue  # unreserved (or unknown yet): nothing to stay below
            maximum = peek(mapping.props, "scalingConfig", "maximumConcurrency")
            capped = number(maximum)
            if maximum is UNKNOWN or (capped is not None and capped < reserved):
                continue
            shown = "no maximum concurrency" if maximum is None else f"up to {show(maximum)}"
            report(
                message(
                    f"SQS event source mapping {label(mapping.resource_type, mapping.name)}",
                    f"scales to {shown}, not below the {show(reserved)} executions "
                    f"{label(function.resource_type, function.name)} reserves",
                    f"set scaling_config.maximum_concurrency between 2 and {show(reserved - 1)}",
                ),
                mapping.urn,
            )


POLICY = stack_policy(
    name="lambda-sqs-mapping-max-concurrency",
    description=(
        "SQS event source mappings must cap their maximum concurrency below the function's "
        "reserved concurrency."
    ),
    validate=_validate,
    reference="10.7.2",
    severity=Severity.HIGH,
    remediation=(
        "Set scaling_config.maximum_concurrency (2-1000) below the function's reserved "
        "concurrency, so throttled invocations never push messages to the dead-letter queue."
    ),
    url="https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html",
    tags=["lambda", "sqs", "reliability"],
)
