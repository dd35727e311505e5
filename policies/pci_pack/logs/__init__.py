"""CloudWatch Logs rules (PCI DSS 10: audit logs)."""
