"""Encryption at rest for block, file, stream and image storage (EBS, EFS, Kinesis, ECR)."""
