"""The pack cannot import the stack, so its config defaults are checked against the stack here.

A bound in the pack's schema that differs from what ``StackConfig`` validates would either pass
a stack the stack itself refuses or fail one it accepts; a default that differs from the stack's
default would make a stack with no pack config fail its own preview.
"""

from __future__ import annotations

from typing import Any

import annotated_types
import pytest

from pci_pack.awslambda import reserved_concurrency, sizing_bounds
from pci_pack.kms import deletion_window
from pci_pack.logs import retention
from pci_pack.sqs import consumed_queue_redrive
from stack.config import StackConfig


def _bounds(field: str) -> tuple[Any, Any]:
    metadata = StackConfig.model_fields[field].metadata
    low = next(m.ge for m in metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in metadata if isinstance(m, annotated_types.Le))
    return low, high


def _default(field: str) -> Any:
    return StackConfig.model_fields[field].default


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("lambda_memory_mb", "minMemoryMb", "maxMemoryMb"),
        ("lambda_timeout_seconds", "minTimeoutSeconds", "maxTimeoutSeconds"),
    ],
)
def test_sizing_defaults_are_the_stacks_bounds(field: str, low: str, high: str) -> None:
    config = sizing_bounds.CONFIG
    assert (config[low]["default"], config[high]["default"]) == _bounds(field)
    for key in (low, high):
        assert (config[key]["minimum"], config[key]["maximum"]) == _bounds(field)


def test_deletion_window_bounds_are_the_stacks() -> None:
    config = deletion_window.CONFIG
    expected = _bounds("kms_deletion_window_days")
    assert (config["minDays"]["default"], config["maxDays"]["default"]) == expected


def test_defaults_of_exact_value_rules_are_the_stacks_defaults() -> None:
    assert reserved_concurrency.CONFIG["reservedConcurrency"]["default"] == _default(
        "reserved_concurrency"
    )
    assert retention.CONFIG["logRetentionDays"]["default"] == _default("log_retention_days")
    receives = consumed_queue_redrive.CONFIG["maxReceiveCount"]["default"]
    assert receives == _default("max_retries") + 1
