"""IAM least-privilege rules (PCI DSS 7.2)."""
