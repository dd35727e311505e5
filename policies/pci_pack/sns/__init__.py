"""SNS topic rules (payment events)."""
