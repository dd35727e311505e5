"""A component resource owning a bucket and its public access block."""

import pulumi
import pulumi_aws as aws


class Site(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("corpus:web:Site", name, None, opts)
        bucket = aws.s3.BucketV2(f"{name}-content", opts=pulumi.ResourceOptions(parent=self))
        aws.s3.BucketPublicAccessBlock(
            f"{name}-block",
            bucket=bucket.id,
            block_public_acls=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"bucket": bucket.id})


Site("docs")
