"""Tests of webhook_processor.signatures (a package so its conftest stays its own)."""
