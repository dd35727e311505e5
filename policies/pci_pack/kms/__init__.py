"""KMS key rules (PCI DSS 3.6/3.7: key management)."""
