"""The one check behind every "encrypted with a customer-managed KMS key" rule (PCI DSS 3.5.1).

The rules differ only in the resource type, where its key is set, how messages name it and the
fix; some first check a precondition of their own (encryption enabled, a SecureString type).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pulumi_policy import ResourceValidation, ResourceValidationArgs

from pci_pack.props import UNKNOWN, cmk_problem, peek
from pci_pack.rule import Finding, resource_check

Precheck = Callable[[ResourceValidationArgs], str | None]
"""A rule's own first check: a problem to report instead, or None to go on to the key.

It may also call ``args.not_applicable``."""


def cmk_validation(
    resource_type: str | tuple[str, ...],
    noun: str,
    key_path: tuple[str | int, ...],
    fix: str,
    precheck: Precheck | None = None,
) -> ResourceValidation:
    """Validate that the key at ``key_path`` of ``resource_type`` (one or more tokens) is a CMK.

    A violation reads ``<noun> '<name>' (<type>) <problem>. Fix: <fix>``; the problem names the
    key's setting as its last path element.
    """

    def check(args: ResourceValidationArgs) -> Iterator[Finding]:
        problem = precheck(args) if precheck else None
        if problem is None:
            problem = cmk_problem(peek(args.props, *key_path), str(key_path[-1]))
        if problem:
            yield problem, fix

    types = (resource_type,) if isinstance(resource_type, str) else resource_type
    return resource_check(noun, types, check)


def requires(path: tuple[str | int, ...], value: object, problem: str) -> Precheck:
    """A precheck that reports ``problem`` unless the prop at ``path`` is ``value``.

    For the types whose encryption is switched on separately from the key (``encrypted``,
    ``storageEncrypted``, ``encryptionType``); an unknown value passes, like an unknown key.
    """

    def precheck(args: ResourceValidationArgs) -> str | None:
        found = peek(args.props, *path)
        return None if found == value or found is UNKNOWN else problem

    return precheck
