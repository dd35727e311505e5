"""Every taggable resource carries the required tags with non-empty values.

Only the resource's own ``tags`` count: provider ``defaultTags`` land in ``tagsAll`` after the
provider runs, which policies do not see at preview; set the tags explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from pci_pack.meta import RuleSet, resource_policy, setting
from pci_pack.props import UNKNOWN, label, matches, message, peek

# Taggable types that may omit ``tags`` altogether (a resource with a ``tags`` input is
# taggable whatever its type).
TAGGABLE = (
    "aws:kms/key:Key",
    "aws:dynamodb/table:Table",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
    "aws:ssm/parameter:Parameter",
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:lambda/function:Function",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:secretsmanager/secret:Secret",
)
CONFIG = {
    "requiredTags": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["Environment", "CostCenter", "Owner"],
    }
}


def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    tags = peek(args.props, "tags")
    if tags is UNKNOWN:
        args.not_applicable("tags are not known before the first update")
    if tags is None and not matches(args.resource_type, *TAGGABLE):
        return
    tags = tags if isinstance(tags, Mapping) else {}
    missing = []
    for key in setting(args, "requiredTags", CONFIG):
        value = peek(tags, key)
        if value is not UNKNOWN and not (isinstance(value, str) and value.strip()):
            missing.append(key)
    if missing:
        report(
            message(
                label(args.resource_type, args.name),
                f"lacks non-empty tags {missing}",
                f"set tags including {', '.join(f'{k}=<value>' for k in missing)}",
            ),
            None,
        )


POLICY = resource_policy(
    name="required-tags",
    description="Taggable resources must carry the required tags (Environment, CostCenter, Owner).",
    validate=_validate,
    reference="12.5.1",
    severity=Severity.MEDIUM,
    remediation="Add the required tags with non-empty values to the resource's own tags.",
    url="https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html",
    tags=["tagging", "inventory"],
    rule_set=RuleSet.PLATFORM,
    config=CONFIG,
)
