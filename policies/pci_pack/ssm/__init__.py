"""SSM Parameter Store rules (webhook signing secrets)."""
