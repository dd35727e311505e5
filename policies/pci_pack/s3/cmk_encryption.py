"""Every S3 bucket encrypts objects by default with a customer-managed KMS key (SSE-KMS).

SSE-S3 (AES256) and the ``aws/s3`` key give no key policy to separate duties on; the setting is
read inline (legacy ``Bucket``) or from ``BucketServerSideEncryptionConfiguration`` resources.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.buckets import buckets, settings_of
from pci_pack.meta import stack_policy
from pci_pack.props import UNKNOWN, as_list, cmk_problem, label, message, peek

CONFIGURATIONS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
FIX = (
    "add an aws.s3.BucketServerSideEncryptionConfiguration with sse_algorithm='aws:kms' and "
    "kms_master_key_id=<CMK ARN>"
)


def _defaults(bucket: Any, resources: Any) -> list[Any]:
    """Each ``applyServerSideEncryptionByDefault`` that applies to the bucket."""
    inline = peek(bucket.props, "serverSideEncryptionConfiguration", "rule")
    rules = as_list(inline) if inline is not UNKNOWN else []
    for configuration in settings_of(bucket, resources, *CONFIGURATIONS):
        found = peek(configuration.props, "rules")
        rules += as_list(found) if found is not UNKNOWN else []
    return [peek(r, "applyServerSideEncryptionByDefault") for r in rules]


def sse_problem(default: Any) -> str | None:
    """Why an encryption default is not SSE-KMS with a CMK, or None."""
    if default is UNKNOWN:
        return None
    algorithm = peek(default, "sseAlgorithm")
    if algorithm not in ("aws:kms", "aws:kms:dsse", UNKNOWN):
        return f"encrypts with {algorithm!r}, not SSE-KMS"
    return cmk_problem(peek(default, "kmsMasterKeyId"), "kmsMasterKeyId")


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    for bucket in buckets(args.resources):
        subject = f"S3 bucket {label(bucket.resource_type, bucket.name)}"
        defaults = _defaults(bucket, args.resources)
        problems = [p for p in (sse_problem(d) for d in defaults) if p]
        if not defaults:
            problems = ["has no default encryption configuration (SSE-S3 applies)"]
        for problem in problems:
            report(message(subject, problem, FIX), bucket.urn)


POLICY = stack_policy(
    name="s3-bucket-cmk-encryption",
    description="S3 buckets must encrypt by default with SSE-KMS and a customer-managed key.",
    validate=_validate,
    reference="3.5.1",
    severity=Severity.HIGH,
    remediation="Configure default encryption with aws:kms and a customer-managed key.",
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    tags=["s3", "encryption"],
)
