"""Every Lambda function writes to a log group the stack declares (encrypted, with retention).

Without one, Lambda creates ``/aws/lambda/<name>`` on first invocation: unencrypted and never
expiring, outside every other log rule. A function is covered by ``logging_config.log_group``
naming a stack log group, or by a stack log group named ``/aws/lambda/<function name>``.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.graph import of_type, referenced
from pci_pack.meta import stack_policy
from pci_pack.props import UNKNOWN, label, message, peek

FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    log_groups = of_type(args.resources, LOG_GROUP)
    names = {peek(g.props, "name") for g in log_groups}
    for function in of_type(args.resources, FUNCTION):
        configured = peek(function.props, "loggingConfig", "logGroup")
        if referenced(function, "loggingConfig", log_groups, configured, keys=("name",)):
            continue
        name = peek(function.props, "name")
        if name is UNKNOWN or configured is UNKNOWN:
            continue  # the name or the configured group is not known before the first update
        default_group = f"/aws/lambda/{name or function.name}"
        if (configured or default_group) in names:
            continue
        report(
            message(
                f"Lambda function {label(function.resource_type, function.name)}",
                f"logs to {configured or default_group!r}, which no log group in the stack "
                "declares",
                "declare an aws.cloudwatch.LogGroup (KMS key, retention) and set "
                "logging_config={'log_format': 'JSON', 'log_group': <its name>}",
            ),
            function.urn,
        )


POLICY = stack_policy(
    name="lambda-function-explicit-log-group",
    description="Every Lambda function must log to a log group declared in the stack.",
    validate=_validate,
    reference="10.2.1",
    severity=Severity.HIGH,
    remediation="Declare the function's log group and point logging_config.log_group at it.",
    url="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html",
    tags=["lambda", "logs"],
)
