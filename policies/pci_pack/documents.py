"""Read IAM identity policies and resource policies (queue/topic policies) from resource props.

Pure functions over plain JSON documents; the policies read the documents out of the props
(``props.json_document``) and decide what to report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from pci_pack.props import as_list, get, is_sequence, json_document, matches, statements

ROLE = "aws:iam/role:Role"
# Resources whose ``policy`` input is an IAM identity policy document.
POLICY_DOCUMENT_TYPES = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)


def identity_documents(resource_type: str, props: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, document) for each identity policy a resource declares; unknowns raise.

    Raises ValueError when a document is a string that is not JSON.
    """
    if matches(resource_type, *POLICY_DOCUMENT_TYPES):
        document = json_document(get(props, "policy"))
        if document is not None:
            yield "policy", document
    elif matches(resource_type, ROLE):
        inline = get(props, "inlinePolicies")
        for index, entry in enumerate(inline if is_sequence(inline) else []):
            document = json_document(get(entry, "policy"))
            if document is not None:
                yield f"inlinePolicies[{index}] {get(entry, 'name') or ''}".rstrip(), document


def allow_statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements that grant something."""
    return [s for s in statements(document) if s.get("Effect") == "Allow"]


def actions(statement: Mapping[str, Any]) -> list[str]:
    """The statement's actions as strings (``NotAction`` is reported as ``NotAction:<x>``)."""
    found = [str(a) for a in as_list(statement.get("Action"))]
    found += [f"NotAction:{a}" for a in as_list(statement.get("NotAction"))]
    return found


def grants(statement: Mapping[str, Any], action: str) -> bool:
    """True when one of the statement's action patterns matches ``action`` (IAM: no case)."""
    wanted = action.lower()
    return any(fnmatchcase(wanted, str(a).lower()) for a in as_list(statement.get("Action")))


def has_star_resource(statement: Mapping[str, Any]) -> bool:
    """True when the statement applies to every resource (``Resource: "*"`` or ``NotResource``)."""
    return "*" in as_list(statement.get("Resource")) or "NotResource" in statement


def _is_false(value: Any) -> bool:
    return any(str(v).lower() == "false" for v in as_list(value))


def public_principal(principal: Any) -> bool:
    """True for ``"*"`` or ``{"AWS": "*"}``: every principal, in any account."""
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))


def denies_insecure_transport(document: Mapping[str, Any], required_action: str) -> bool:
    """True when a statement denies every principal ``required_action`` without TLS.

    ``required_action`` is matched as IAM matches (wildcards in the statement, no case): a deny
    of ``*`` or ``sqs:*`` covers ``sqs:*``; a deny listing ``sns:Publish`` covers ``sns:Publish``.
    """
    for statement in statements(document):
        condition = statement.get("Condition") or {}
        if (
            statement.get("Effect") == "Deny"
            and public_principal(statement.get("Principal"))
            and "Action" in statement
            and grants(statement, required_action)
            and isinstance(condition, Mapping)
            and _is_false((condition.get("Bool") or {}).get("aws:SecureTransport"))
        ):
            return True
    return False
