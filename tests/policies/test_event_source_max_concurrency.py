"""The SQS mapping's maximum concurrency stays below its function's reserved concurrency."""

from __future__ import annotations

import pytest

from tests.policies.pack_harness import QUEUE_ARN, UNKNOWN, check_stack, make, stack, urn

POLICY = "lambda-sqs-mapping-max-concurrency"


def found(*overrides, deps: bool = True) -> list[tuple[str, str | None]]:
    return check_stack(POLICY, stack(*overrides, deps=deps))


@pytest.mark.parametrize("deps", [True, False], ids=["by-dependency", "by-value"])
def test_a_mapping_without_maximum_concurrency_is_reported(deps: bool) -> None:
    [(message, where)] = found(make("mapping", scalingConfig=None), deps=deps)
    assert where == urn("mapping")
    assert message == (
        "SQS event source mapping 'webhook-events-mapping-dev' "
        "(aws:lambda/eventSourceMapping:EventSourceMapping) scales to no maximum concurrency, "
        "not below the 100 executions 'webhook-processor-dev' (aws:lambda/function:Function) "
        "reserves. Fix: set scaling_config.maximum_concurrency between 2 and 99"
    )


@pytest.mark.parametrize("maximum", [100.0, 250.0])
def test_a_maximum_at_or_above_the_reservation_is_reported(maximum: float) -> None:
    [(message, _)] = found(make("mapping", scalingConfig={"maximumConcurrency": maximum}))
    assert f"scales to up to {int(maximum)}, not below the 100 executions" in message


def test_the_reservation_is_read_from_the_mapped_function() -> None:
    function = make("function", reservedConcurrentExecutions=50.0)
    [(message, _)] = found(function)  # the baseline's 90 is no longer below it
    assert "not below the 50 executions" in message
    assert found(function, make("mapping", scalingConfig={"maximumConcurrency": 49.0})) == []


@pytest.mark.parametrize("reserved", [None, -1.0, UNKNOWN])
def test_a_function_without_a_known_reservation_is_not_checked(reserved: object) -> None:
    function = make("function", reservedConcurrentExecutions=reserved)
    assert found(function, make("mapping", scalingConfig=None)) == []


def test_an_unknown_maximum_passes_on_first_preview() -> None:
    assert found(make("mapping", scalingConfig={"maximumConcurrency": UNKNOWN})) == []


def test_a_non_sqs_mapping_is_not_checked() -> None:
    stream = "arn:aws:kinesis:us-east-1:123456789012:stream/other"
    mapping = make("mapping", eventSourceArn=stream, scalingConfig=None)
    assert found(mapping, deps=False) == []
    assert QUEUE_ARN.startswith("arn:aws:sqs:")  # the baseline mapping reads a queue
