"""Every queue a Lambda consumes redrives to an encrypted DLQ after the configured receive count.

Without a redrive policy a poison message is retried until it expires and is lost; a DLQ that
is not encrypted with a CMK would hold payment events outside the encryption rules. On a first
preview the redrive document is built from the DLQ's unknown ARN: the DLQ is then found through
the property's dependencies and the receive count is checked on the next preview. The redrive
may be set on the queue or by a separate ``aws.sqs.RedrivePolicy`` resource naming its URL.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.graph import attached, of_type, referenced
from pci_pack.meta import setting, stack_policy
from pci_pack.props import (
    UNKNOWN,
    cmk_problem,
    get,
    json_document,
    label,
    message,
    number,
    peek,
    show,
)

QUEUE = "aws:sqs/queue:Queue"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
REDRIVE = "aws:sqs/redrivePolicy:RedrivePolicy"
CONFIG = {"maxReceiveCount": {"type": "integer", "minimum": 1, "default": 6}}


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    wanted = show(setting(args, "maxReceiveCount", CONFIG))
    queues = of_type(args.resources, QUEUE)
    consumed = {
        q.urn: q
        for m in of_type(args.resources, MAPPING)
        for q in referenced(m, "eventSourceArn", queues, peek(m.props, "eventSourceArn"))
    }
    for queue in consumed.values():
        subject = f"SQS queue {label(queue.resource_type, queue.name)} (consumed by Lambda)"
        fix = (
            "set redrive_policy=json.dumps({'deadLetterTargetArn': <encrypted DLQ ARN>, "
            f"'maxReceiveCount': {wanted}}})"
        )
        holder = queue
        raw = peek(queue.props, "redrivePolicy")
        if raw is None:
            separate = attached(queue, args.resources, (REDRIVE,), "queueUrl", ("url", "id"))
            holder = separate[0] if separate else queue
            raw = peek(holder.props, "redrivePolicy")
        if raw is None:
            report(message(subject, "has no redrive policy", fix), queue.urn)
            continue
        try:
            document = {} if raw is UNKNOWN else (json_document(raw) or {})
        except ValueError as e:
            report(message(subject, f"has a redrive policy that is {e}", fix), queue.urn)
            continue
        target = get(document, "deadLetterTargetArn") if raw is not UNKNOWN else UNKNOWN
        count = get(document, "maxReceiveCount")
        if raw is not UNKNOWN and number(count) != number(wanted):
            problem = f"redrives after {show(count)} receives, not the configured {wanted}"
            report(message(subject, problem, fix), queue.urn)
        dlqs = referenced(holder, "redrivePolicy", queues, target)
        if not dlqs:
            if raw is not UNKNOWN:
                problem = f"redrives to {target!r}, which is not an SQS queue in this stack"
                report(message(subject, problem, fix), queue.urn)
            continue
        for dlq in dlqs:
            unencrypted = cmk_problem(peek(dlq.props, "kmsMasterKeyId"), "kmsMasterKeyId")
            if unencrypted:
                report(
                    message(
                        subject,
                        f"redrives to {label(dlq.resource_type, dlq.name)}, which {unencrypted}",
                        "set kms_master_key_id on the DLQ to the stack's customer-managed key",
                    ),
                    queue.urn,
                )


POLICY = stack_policy(
    name="sqs-consumed-queue-redrive",
    description=(
        "Queues consumed by Lambda must redrive to an encrypted DLQ with the configured "
        "maxReceiveCount."
    ),
    validate=_validate,
    reference="10.7.2",
    severity=Severity.HIGH,
    remediation="Give the queue a redrive_policy to a CMK-encrypted DLQ with the configured count.",
    url="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html",
    tags=["sqs", "reliability"],
    config=CONFIG,
)
