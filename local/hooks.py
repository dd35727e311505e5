"""Botocore event hooks on the handlers' own clients: metering and injected faults.

The handler code is not changed: its clients (``webhook_processor.clients.client``) get hooks
registered on their event system. ``before-parameter-build`` sees the API parameters and may
raise (the call then fails as if AWS had answered with that error after the SDK's retries) or
edit them; ``after-call`` sees the parsed response.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

SERVICES = ("sqs", "dynamodb", "sns", "ssm")


def _item_kb(item: dict[str, Any]) -> int:
    """Write request units of one item: 1 per KB, rounded up (DynamoDB's on-demand rule)."""
    size = len(json.dumps(item, separators=(",", ":")).encode())
    return max(1, -(-size // 1024))


@dataclass
class Meter:
    """What the handlers asked of AWS: calls per operation, write units, bytes sent."""

    calls: Counter[str] = field(default_factory=Counter)
    write_units: int = 0
    sqs_chunks: int = 0  # 64 KB chunks of SQS payload sent (each is a billed request)
    sns_chunks: int = 0  # 64 KB chunks of SNS payload published
    sns_messages: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        name = f"{model.service_model.service_name}.{model.name}"
        with self._lock:
            self.calls[name] += 1
            if model.name == "TransactWriteItems":
                for action in params.get("TransactItems", []):
                    body = action.get("Put", {}).get("Item") or action.get("Update", {})
                    self.write_units += 2 * _item_kb(body)  # transactional: 2 units per KB
            elif model.name == "SendMessage":
                self.sqs_chunks += max(1, -(-len(params["MessageBody"].encode()) // 65536))
            elif model.name == "PublishBatch":
                for entry in params.get("PublishBatchRequestEntries", []):
                    self.sns_messages += 1
                    self.sns_chunks += max(1, -(-len(entry["Message"].encode()) // 65536))


def _key(data: dict[str, Any]) -> str:
    """The record an action or message is about: its event id wherever it appears."""
    for value in (data, data.get("Put", {}).get("Item", {}), data.get("Update", {}).get("Key", {})):
        for name in ("event_id", "timestamp"):
            found = value.get(name)
            if found:
                return str(found.get("S") if isinstance(found, dict) else found).split("#")[-1]
    return json.dumps(data, sort_keys=True)


class InvocationDiedError(RuntimeError):
    """Raised into the processor to end an invocation mid-batch (a crash, a timeout)."""


THROTTLED = "ThrottlingException"
THROUGHPUT = "ProvisionedThroughputExceededException"
CANCELLED = "TransactionCanceledException"
INTERNAL = "InternalErrorException"


def _error(code: str, operation: str, **extra: Any) -> ClientError:
    """The error botocore raises for an AWS error answer (``extra``: more response fields)."""
    return ClientError({"Error": {"Code": code, "Message": "injected"}, **extra}, operation)


@dataclass
class Faults:
    """Deterministic faults: each kind fires on every ``every``-th eligible call.

    Kinds: ``throttle`` (the store transaction throttled), ``cancel`` (the store transaction
    cancelled by a conflict on its first item; the rest are retried in the call), ``marker``
    (the published_at write throttled), ``publish`` (PublishBatch fails), ``partial`` (one
    entry of a PublishBatch fails), ``die`` (the invocation dies after storing, before
    publishing). ``injected`` counts what fired.

    A call fires a fault only if none of its items was in a faulted call before: every message
    meets at most one fault, so none fails ``maxReceiveCount`` times and a dead letter means a
    real defect, not bad luck.
    """

    every: dict[str, int]
    injected: Counter[str] = field(default_factory=Counter)
    _seen: Counter[str] = field(default_factory=Counter)
    _hit: set[str] = field(default_factory=set)
    _dropped: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _fires(self, kind: str, items: set[str]) -> bool:
        with self._lock:
            if kind not in self.every or items & self._hit:
                return False
            self._seen[kind] += 1
            if self._seen[kind] % self.every[kind]:
                return False
            self.injected[kind] += 1
            self._hit |= items
            return True

    def dynamodb(self, params: dict[str, Any], **_: Any) -> None:
        items = params.get("TransactItems", [])
        keys = {_key(action) for action in items}
        if any("Update" in action for action in items):
            if self._fires("marker", keys):
                raise _error(THROTTLED, "TransactWriteItems")
            return
        if self._fires("throttle", keys):
            raise _error(THROUGHPUT, "TransactWriteItems")
        if self._fires("cancel", keys):
            reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (len(items) - 1)
            raise _error(CANCELLED, "TransactWriteItems", CancellationReasons=reasons)

    def sns(self, params: dict[str, Any], **_: Any) -> None:
        entries = params.get("PublishBatchRequestEntries", [])
        keys = {_key(json.loads(entry["Message"])) for entry in entries}
        if self._fires("die", keys):
            msg = "injected: the invocation died mid-batch"
            raise InvocationDiedError(msg)
        if self._fires("publish", keys):
            raise _error(INTERNAL, "PublishBatch")
        if len(entries) > 1 and self._fires("partial", keys):
            self._dropped.append(entries.pop()["Id"])

    def sns_answer(self, parsed: dict[str, Any], **_: Any) -> None:
        while self._dropped:
            parsed.setdefault("Failed", []).append(
                {"Id": self._dropped.pop(), "Code": "InternalError", "SenderFault": False}
            )


def install(meter: Meter, faults: Faults | None = None) -> None:
    """Register the hooks on the handlers' clients (created here if not yet)."""
    from webhook_processor import clients

    for service in SERVICES:
        events = clients.client(service).meta.events
        events.register(f"before-parameter-build.{service}", meter.before)
    if faults is not None:
        dynamodb = clients.client("dynamodb").meta.events
        dynamodb.register("before-parameter-build.dynamodb.TransactWriteItems", faults.dynamodb)
        sns = clients.client("sns").meta.events
        sns.register("before-parameter-build.sns.PublishBatch", faults.sns)
        sns.register("after-call.sns.PublishBatch", faults.sns_answer)
