"""SQS queue rules (ingest queue and DLQ)."""
