"""RDS and Aurora rules."""
