"""What the S3 rules share: the bucket types and the settings attached to a bucket.

A bucket's settings are either inline on the legacy ``aws.s3.Bucket`` or separate resources
that name the bucket in their ``bucket`` input (the provider's current style).
"""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_policy import PolicyResource

from pci_pack.graph import attached, of_type

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
KEYS = ("bucket", "id", "arn")


def buckets(resources: Iterable[PolicyResource]) -> list[PolicyResource]:
    """The stack's general-purpose S3 buckets."""
    return of_type(resources, *BUCKETS)


def settings_of(
    bucket: PolicyResource, resources: Iterable[PolicyResource], *tokens: str
) -> list[PolicyResource]:
    """The separate resources of ``tokens`` configuring ``bucket``."""
    return attached(bucket, resources, tokens, "bucket", KEYS)
