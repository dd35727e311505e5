"""Operator commands for a deployed stack: dead letters and replays (``python -m ops``).

Names and URLs come from a ``pulumi stack output --json`` file; every command that changes
anything is a dry run unless given ``--apply``. docs/operations.md is the runbook.
"""
