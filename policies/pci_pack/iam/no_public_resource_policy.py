"""Resource policies (queues, topics, buckets, secrets, repositories, keys) grant nothing to ``*``.

An Allow statement for ``Principal: "*"`` (or ``AWS: "*"``) without a Condition makes the
resource public; scope it to accounts, roles or services, or constrain it with a Condition
(``aws:SourceArn``, ``aws:PrincipalOrgID``).
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import ResourceValidationArgs, Severity

from pci_pack.documents import allow_statements, public_principal
from pci_pack.meta import resource_policy
from pci_pack.props import get, json_document
from pci_pack.rule import Finding, resource_check

# type -> the input holding its resource policy document.
POLICY_INPUTS = {
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
}


def _check(args: ResourceValidationArgs) -> Iterator[Finding]:
    key = next(v for k, v in POLICY_INPUTS.items() if k.lower() == args.resource_type.lower())
    document = json_document(get(args.props, key))
    for statement in allow_statements(document or {}):
        if public_principal(statement.get("Principal")) and not statement.get("Condition"):
            yield (
                f"{key} allows {statement.get('Action')!r} to Principal '*'",
                "name the accounts, roles or services, or add a Condition that scopes them",
            )


POLICY = resource_policy(
    name="resource-policy-no-public-principal",
    description="Resource and trust policies must not allow Principal '*' without a Condition.",
    validate=resource_check("Resource", tuple(POLICY_INPUTS), _check),
    reference="7.2.1",
    severity=Severity.CRITICAL,
    remediation="Replace Principal '*' with the principals that need access, or add a Condition.",
    url="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    tags=["iam", "least-privilege", "public-access"],
)
