"""The shape most resource rules share: pick the resource types, then report each finding.

A rule's own code is then only its check: it reads the props and yields ``(problem, fix)``
pairs; the guard on the type and the wording of the violation live here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pulumi_policy import ReportViolation, ResourceValidation, ResourceValidationArgs

from pci_pack.props import label, matches, message

Finding = tuple[str, str]
"""What is wrong (``"has no redrive policy"``) and how to fix it."""

Check = Callable[[ResourceValidationArgs], Iterable[Finding]]


def resource_check(noun: str, types: tuple[str, ...], check: Check) -> ResourceValidation:
    """Run ``check`` on resources of ``types`` (current or legacy spelling; empty: all types).

    Each finding is reported as ``<noun> '<name>' (<type>) <problem>. Fix: <fix>``.
    """

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if types and not matches(args.resource_type, *types):
            return
        subject = f"{noun} {label(args.resource_type, args.name)}".strip()
        for problem, fix in check(args):
            report(message(subject, problem, fix), None)

    return validate
