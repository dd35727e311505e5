"""IAM policy documents for the two functions, as pure functions of resource ARNs.

Least privilege is data: ``FUNCTION_GRANTS`` lists, per function, exactly the actions its code
(or the Lambda service acting as its role) performs, each on named resources of this stack.
Only X-Ray's write actions use ``"*"``, because X-Ray has no resource-level permissions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from stack.naming import arn

PolicyDocument = dict[str, Any]

RECEIVER: Final = "webhook-receiver"
PROCESSOR: Final = "webhook-processor"

# Resource keys a grant may name; each maps to ARNs supplied by the stack.
PARAMETERS: Final = "parameters"
KEY: Final = "key"
INGEST_QUEUE: Final = "ingest_queue"
DLQ: Final = "dlq"
TABLE: Final = "table"
TOPIC: Final = "topic"
LOG_GROUP: Final = "log_group"
ANY: Final = "*"  # only for actions without resource-level permissions

# Actions that AWS authorises only against "*" (no resource-level permissions).
STAR_RESOURCE_ACTIONS: Final = frozenset({"xray:PutTraceSegments", "xray:PutTelemetryRecords"})


@dataclass(frozen=True)
class Grant:
    """One policy statement: these actions on the resources behind these keys."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]


_LOGS = Grant("WriteOwnLogs", ("logs:CreateLogStream", "logs:PutLogEvents"), (LOG_GROUP,))
_XRAY = Grant("WriteTraces", tuple(sorted(STAR_RESOURCE_ACTIONS)), (ANY,))
# Lambda writes failed async events to the DLQ (dead-letter config and on-failure destination)
# with the function's role; the queue is KMS-encrypted, so producers need the key too.
_DLQ = Grant("SendToDeadLetterQueue", ("sqs:SendMessage",), (DLQ,))

FUNCTION_GRANTS: Final[Mapping[str, tuple[Grant, ...]]] = {
    RECEIVER: (
        Grant("ReadSigningSecrets", ("ssm:GetParameter",), (PARAMETERS,)),
        Grant("EnqueueVerifiedEvents", ("sqs:SendMessage",), (INGEST_QUEUE,)),
        _DLQ,
        # Decrypt: SecureString parameters; GenerateDataKey: sending to encrypted queues.
        Grant("UseStackKey", ("kms:Decrypt", "kms:GenerateDataKey"), (KEY,)),
        _LOGS,
        _XRAY,
    ),
    PROCESSOR: (
        # What the SQS event source mapping does with the function's role.
        Grant(
            "ConsumeIngestQueue",
            ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
            (INGEST_QUEUE,),
        ),
        _DLQ,
        # PutItem: the conditional writes storing new records and claiming PayPal transmission
        # ids; UpdateItem: marking records published, so a redelivered or replayed event is
        # not published again. (No transactions: the same two actions would cover them.)
        Grant("StoreTransactions", ("dynamodb:PutItem", "dynamodb:UpdateItem"), (TABLE,)),
        Grant("PublishTransactions", ("sns:Publish",), (TOPIC,)),
        # Decrypt: reading the encrypted queue; GenerateDataKey: the encrypted topic and DLQ.
        Grant("UseStackKey", ("kms:Decrypt", "kms:GenerateDataKey"), (KEY,)),
        _LOGS,
        _XRAY,
    ),
}


def function_policy(function: str, resources: Mapping[str, Sequence[str]]) -> PolicyDocument:
    """The inline policy of ``function``'s role, given the ARNs behind each resource key.

    Raises KeyError naming the missing key when a grant's resources were not supplied, so a
    grant can never silently widen to another resource.
    """
    statements = []
    for grant in FUNCTION_GRANTS[function]:
        arns: list[str] = []
        for key in grant.resources:
            if key == ANY:
                arns.append("*")
                continue
            if not resources.get(key):
                msg = f"{function}: no ARNs supplied for {key!r} (grant {grant.sid})"
                raise KeyError(msg)
            arns.extend(resources[key])
        statements.append(
            {
                "Sid": grant.sid,
                "Effect": "Allow",
                "Action": sorted(grant.actions),
                "Resource": arns[0] if len(arns) == 1 else sorted(arns),
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def log_group_arn(region: str, account_id: str, name: str, partition: str = "aws") -> str:
    """The ARN form IAM matches for a log group's streams (``...:log-group:NAME:*``)."""
    return arn("logs", region, account_id, f"log-group:{name}:*", partition)


def lambda_assume_role_policy() -> PolicyDocument:
    """Trust policy that lets only the Lambda service assume a function role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
