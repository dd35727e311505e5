"""The stack outputs the commands need, read from a ``pulumi stack output --json`` file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REQUIRED = ("ingestQueueUrl", "deadLetterQueueUrl", "tableName", "topicArn")


class OutputsError(ValueError):
    """The outputs file is missing, not JSON, or lacks an output the commands need."""


@dataclass(frozen=True)
class StackOutputs:
    """What the operator commands address."""

    ingest_queue_url: str
    dead_letter_queue_url: str
    table_name: str
    topic_arn: str

    @property
    def region(self) -> str:
        """The stack's region, from the topic ARN (arn:aws:sns:<region>:...)."""
        return self.topic_arn.split(":")[3]


def parse(document: Any, source: str = "stack outputs") -> StackOutputs:
    """Validate a parsed outputs document; the error names each missing output."""
    if not isinstance(document, dict):
        msg = f"{source}: expected a JSON object (`pulumi stack output --json`)"
        raise OutputsError(msg)
    missing = [k for k in REQUIRED if not isinstance(document.get(k), str) or not document[k]]
    if missing:
        msg = f"{source}: missing output(s) {', '.join(missing)} (`pulumi stack output --json`)"
        raise OutputsError(msg)
    topic = document["topicArn"]
    if len(topic.split(":")) < 6 or not topic.startswith("arn:"):
        msg = f"{source}: topicArn {topic!r} is not an SNS topic ARN"
        raise OutputsError(msg)
    return StackOutputs(
        ingest_queue_url=document["ingestQueueUrl"],
        dead_letter_queue_url=document["deadLetterQueueUrl"],
        table_name=document["tableName"],
        topic_arn=topic,
    )


def read(path: Path) -> StackOutputs:
    """Read and validate the outputs file at ``path``."""
    try:
        document = json.loads(path.read_text())
    except OSError as error:
        msg = f"{path}: cannot read the stack outputs ({error.strerror})"
        raise OutputsError(msg) from None
    except json.JSONDecodeError as error:
        msg = f"{path}: not JSON ({error.msg} at line {error.lineno})"
        raise OutputsError(msg) from None
    return parse(document, str(path))
