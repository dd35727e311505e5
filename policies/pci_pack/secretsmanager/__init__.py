"""Secrets Manager rules."""
