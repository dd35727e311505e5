"""Every S3 bucket has all four public access block settings on and no public canned ACL."""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.buckets import buckets, settings_of
from pci_pack.meta import stack_policy
from pci_pack.props import UNKNOWN, label, message, peek

BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
FIX = "add an aws.s3.BucketPublicAccessBlock for the bucket with all four settings True"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    for bucket in buckets(args.resources):
        subject = f"S3 bucket {label(bucket.resource_type, bucket.name)}"
        acl = peek(bucket.props, "acl")
        if acl in PUBLIC_ACLS:
            report(
                message(subject, f"has the public canned ACL {acl!r}", "set acl='private'"),
                bucket.urn,
            )
        blocks = settings_of(bucket, args.resources, BLOCK)
        if not blocks:
            report(message(subject, "has no public access block", FIX), bucket.urn)
        for block in blocks:
            off = [f for f in FLAGS if peek(block.props, f) not in (True, UNKNOWN)]
            if off:
                report(
                    message(subject, f"has public access block settings {off} off", FIX), bucket.urn
                )


POLICY = stack_policy(
    name="s3-bucket-public-access-blocked",
    description="S3 buckets must block all public access and have no public canned ACL.",
    validate=_validate,
    reference="1.3.1",
    severity=Severity.CRITICAL,
    remediation="Add a BucketPublicAccessBlock with all four settings True for every bucket.",
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    tags=["s3", "public-access"],
)
