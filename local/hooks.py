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

from botocore.exceptions import ClientError, ReadTimeoutError

SERVICES = ("sqs", "dynamodb", "sns", "ssm")


def _item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (flat S/N items; a
    number's digits, an upper bound of its stored size)."""
    return sum(
        len(name.encode()) + sum(len(str(v).encode()) for v in value.values())
        for name, value in item.items()
    )


CHUNK = 64 * 1024
"""SQS and SNS bill a request per 64 KB of payload."""


def _units(size: int, unit: int = 1024) -> int:
    """Billed units of ``size`` bytes, rounded up, at least one: DynamoDB write request units
    (1 per KB, non-transactional), or SQS and SNS requests (1 per 64 KB chunk)."""
    return max(1, -(-size // unit))


@dataclass
class Meter:
    """What the handlers asked of AWS: calls per operation, write units, bytes sent.

    Write units follow DynamoDB's on-demand rule for single-item writes: a PutItem costs its
    item's size (also when its condition fails: the stored item is the same record); an
    UpdateItem the larger of the item before and after: the item put earlier plus the
    ``published_at`` attribute it sets. (The same writes made transactionally cost twice as
    much: two units per KB.)
    """

    calls: Counter[str] = field(default_factory=Counter)
    write_units: int = 0
    sqs_chunks: int = 0  # 64 KB chunks of SQS payload sent (each is a billed request)
    sns_chunks: int = 0  # 64 KB chunks of SNS payload published
    sns_messages: int = 0
    _item_sizes: dict[str, int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        name = f"{model.service_model.service_name}.{model.name}"
        with self._lock:
            self.calls[name] += 1
            if model.name == "PutItem":
                size = _item_bytes(params["Item"])
                self._item_sizes[_key(params["Item"])] = size
                self.write_units += _units(size)
            elif model.name == "UpdateItem":
                from webhook_processor.processor import PUBLISHED  # the handlers' only update

                before = self._item_sizes.get(_key(params["Key"]), 0)
                (value,) = params["ExpressionAttributeValues"].values()
                added = _item_bytes({PUBLISHED: value})
                self.write_units += _units(max(before + added, _item_bytes(params["Key"])))
            elif model.name == "SendMessage":
                self.sqs_chunks += _units(len(params["MessageBody"].encode()), CHUNK)
            elif model.name == "PublishBatch":
                for entry in params.get("PublishBatchRequestEntries", []):
                    self.sns_messages += 1
                    self.sns_chunks += _units(len(entry["Message"].encode()), CHUNK)


def _key(data: dict[str, Any]) -> str:
    """The table key an item, an UpdateItem's key or a published record is about."""
    values = (data["transaction_id"], data["timestamp"])
    return "|".join(str(v["S"] if isinstance(v, dict) else v) for v in values)


class InvocationDiedError(RuntimeError):
    """Raised into the processor to end an invocation mid-batch (a crash, a timeout)."""


THROTTLED = "ThrottlingException"
THROUGHPUT = "ProvisionedThroughputExceededException"
SERVER_ERROR = "InternalServerError"  # DynamoDB's 500, once the SDK's retries are spent
INTERNAL = "InternalErrorException"  # SNS's


def _error(code: str, operation: str) -> ClientError:
    """The error botocore raises for an AWS error answer."""
    return ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)


@dataclass
class Faults:
    """Deterministic faults: each kind fires on every ``every``-th eligible call.

    Kinds, each something a real single-item write or publish meets: ``throttle`` (a PutItem
    refused with ProvisionedThroughputExceededException), ``internal`` (a PutItem refused with
    InternalServerError), ``timeout`` (a PutItem that DynamoDB applied whose answer is lost: a
    ReadTimeoutError after the write), ``marker`` (the published_at UpdateItem throttled),
    ``publish`` (PublishBatch fails), ``partial`` (one entry of a PublishBatch fails), ``die``
    (the invocation dies after storing, before publishing). PutItem faults hit records and
    PayPal transmission-id claims alike. ``injected`` counts what fired.

    A call fires a fault only if none of its items was in a faulted call before: every record
    (and every claim) meets at most one fault, and ``timeout`` (which also leaves the rest of
    its batch's writes for SQS, as any transport error does) fires rarely, so no message fails
    ``maxReceiveCount`` times and a dead letter means a real defect, not bad luck.
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

    def dynamodb(
        self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        if model.name == "UpdateItem":
            if self._fires("marker", {_key(params["Key"])}):
                raise _error(THROTTLED, model.name)
            return
        keys = {_key(params["Item"])}
        if self._fires("throttle", keys):
            raise _error(THROUGHPUT, model.name)
        if self._fires("internal", keys):
            raise _error(SERVER_ERROR, model.name)
        if self._fires("timeout", keys):
            context["answer_lost"] = True  # the write goes through; dynamodb_answer drops it

    def dynamodb_answer(self, context: dict[str, Any], **_: Any) -> None:
        if context.get("answer_lost"):
            raise ReadTimeoutError(endpoint_url="injected")

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
        for operation in ("PutItem", "UpdateItem"):
            dynamodb.register(f"before-parameter-build.dynamodb.{operation}", faults.dynamodb)
        dynamodb.register("after-call.dynamodb.PutItem", faults.dynamodb_answer)
        sns = clients.client("sns").meta.events
        sns.register("before-parameter-build.sns.PublishBatch", faults.sns)
        sns.register("after-call.sns.PublishBatch", faults.sns_answer)
