"""A database password kept in Secrets Manager, given as a secret."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
secret = aws.secretsmanager.Secret("db-password")
aws.secretsmanager.SecretVersion(
    "db-password-v1", secret_id=secret.id, secret_string=config.require_secret("dbPassword")
)
