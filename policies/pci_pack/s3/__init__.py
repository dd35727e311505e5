"""S3 bucket rules: public access blocked, CMK encryption, TLS-only bucket policy."""
