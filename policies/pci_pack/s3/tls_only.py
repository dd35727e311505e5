"""Every S3 bucket's policy denies requests that do not use TLS (``aws:SecureTransport``)."""

from __future__ import annotations

from pulumi_policy import ReportViolation, Severity, StackValidationArgs

from pci_pack.buckets import buckets, settings_of
from pci_pack.documents import denies_insecure_transport
from pci_pack.meta import stack_policy
from pci_pack.props import UNKNOWN, json_document, label, message, peek

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
FIX = "add a bucket policy statement Deny s3:* for Principal '*' when aws:SecureTransport is false"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    for bucket in buckets(args.resources):
        raw = [peek(bucket.props, "policy")]
        raw += [peek(p.props, "policy") for p in settings_of(bucket, args.resources, BUCKET_POLICY)]
        if UNKNOWN in raw:
            continue
        documents = [json_document(r) for r in raw if r is not None]
        if not any(d and denies_insecure_transport(d, "s3:*") for d in documents):
            subject = f"S3 bucket {label(bucket.resource_type, bucket.name)}"
            report(message(subject, "does not deny insecure transport", FIX), bucket.urn)


POLICY = stack_policy(
    name="s3-bucket-tls-only",
    description="S3 bucket policies must deny requests without TLS (aws:SecureTransport false).",
    validate=_validate,
    reference="4.2.1",
    severity=Severity.HIGH,
    remediation="Add a Deny on aws:SecureTransport=false for s3:* to the bucket policy.",
    url="https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
    tags=["s3", "tls"],
)
