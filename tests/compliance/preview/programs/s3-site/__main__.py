"""A static website bucket with a public-read policy built by getPolicyDocument."""

import pulumi
import pulumi_aws as aws

bucket = aws.s3.BucketV2("site")
aws.s3.BucketWebsiteConfigurationV2(
    "site-web", bucket=bucket.id, index_document={"suffix": "index.html"}
)
policy = aws.iam.get_policy_document_output(
    statements=[
        {
            "actions": ["s3:GetObject"],
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "resources": [bucket.arn.apply(lambda a: f"{a}/*")],
        }
    ]
)
aws.s3.BucketPolicy("site-policy", bucket=bucket.id, policy=policy.json)
pulumi.export("bucket", bucket.bucket)
