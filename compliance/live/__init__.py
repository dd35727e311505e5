"""Evidence from the deployed stack (`python -m compliance evidence`): read-only AWS calls,
each response recorded (aws.py), then judged by the same policy pack and checkov scan as the
offline report (cli.py).

    capture = collect(stack_outputs, Recorder(clients), "dev", "us-east-1")
"""

from compliance.live.aws import (
    CLIENTS,
    Recorder,
    StackOutputsError,
    alarm_names,
    alerting_gaps,
    collect,
)

__all__ = ["CLIENTS", "Recorder", "StackOutputsError", "alarm_names", "alerting_gaps", "collect"]
