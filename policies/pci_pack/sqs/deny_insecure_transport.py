"""Every queue and topic has an access policy that denies requests made without TLS.

SQS and SNS accept plain HTTP unless a resource policy denies ``aws:SecureTransport = false``.
The policy may be inline (``policy`` on the queue/topic) or a separate QueuePolicy/TopicPolicy;
on a first preview an attached document built from unknown ARNs cannot be read and is assumed
to be checked on the next preview (no false positive).
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from pci_pack.documents import denies_insecure_transport
from pci_pack.graph import of_type, referenced
from pci_pack.meta import stack_policy
from pci_pack.props import UNKNOWN, json_document, label, message, peek

# (resource type, its standalone policy type, the policy's reference property, the action a
# TLS deny must cover). SQS: every action (``sqs:*``). SNS topic policies reject wildcard
# actions at deploy time, so the deny lists topic actions; it must at least cover Publish, as
# in AWS's own "enforce encryption in transit" example.
TARGETS = (
    ("aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy", "queueUrl", "sqs:*"),
    ("aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "arn", "sns:Publish"),
)


def _documents(resource: PolicyResource, attached: list[PolicyResource]) -> list[object]:
    raw = [peek(resource.props, "policy")] + [peek(p.props, "policy") for p in attached]
    return [r for r in raw if r is not None]


def _is_tls_only(raw: object, required_action: str) -> bool:
    if raw is UNKNOWN:
        return True
    try:
        document = json_document(raw)
    except ValueError:
        return False
    return document is not None and denies_insecure_transport(document, required_action)


def _fix_actions(required_action: str) -> str:
    if required_action.endswith(":*"):
        return f"'{required_action}'"
    return f"[the topic actions, at least '{required_action}'; SNS rejects wildcards]"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    for target_type, policy_type, reference, required_action in TARGETS:
        policies = of_type(args.resources, policy_type)
        for resource in of_type(args.resources, target_type):
            attached = [
                p
                for p in policies
                if resource in referenced(p, reference, [resource], peek(p.props, reference))
            ]
            documents = _documents(resource, attached)
            if any(_is_tls_only(d, required_action) for d in documents):
                continue
            problem = (
                "has no access policy"
                if not documents
                else "has no access-policy statement denying non-TLS requests"
            )
            report(
                message(
                    f"{label(resource.resource_type, resource.name)}",
                    problem,
                    f"attach a {policy_type.rsplit(':', 1)[1]} with a statement "
                    f"{{Effect: Deny, Principal: '*', Action: {_fix_actions(required_action)}, "
                    "Resource: <its ARN>, "
                    "Condition: {Bool: {'aws:SecureTransport': 'false'}}}",
                ),
                resource.urn,
            )


POLICY = stack_policy(
    name="sqs-sns-deny-insecure-transport",
    description="SQS queues and SNS topics must have an access policy denying non-TLS requests.",
    validate=_validate,
    reference="4.2.1",
    severity=Severity.HIGH,
    remediation=(
        "Attach a queue policy denying sqs:* and a topic policy denying the topic actions "
        "(at least sns:Publish; SNS rejects wildcards) when aws:SecureTransport is false."
    ),
    url="https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html",
    tags=["sqs", "sns", "encryption-in-transit"],
)
