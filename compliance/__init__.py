"""Offline compliance tooling: preview a Pulumi program under mocks, evaluate it, report on it.

Nothing here imports Pulumi at package import time, so `python -m compliance --help` stays fast;
the subcommands import what they need when they run.
"""
