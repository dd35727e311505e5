"""Offline compliance tooling: preview a Pulumi program under mocks, evaluate it, report on it.

    preview/         the offline preview: the program under mocks -> captured resources
    policy_engine.py the CrossGuard pack evaluated offline, as the engine would
    checkov/         the capture as a Terraform plan, scanned by checkov
    catalog.py       the PCI DSS requirements (pci_dss_v4.yaml) and what maps onto them
    report/          the report and evidence bundle (`compliance report`)
    live/            evidence from the deployed stack (`compliance evidence`)
    manifest.py      sha256 manifest of an evidence bundle (`compliance verify-evidence`)
    policy_config.py the pack settings a stack's config implies (`compliance policy-config`)
    docs.py          the documentation generated from the code (`compliance docs`, `make docs`)
    files.py         the one reader of the JSON and YAML files the commands consume

Nothing here imports Pulumi at package import time, so `python -m compliance --help` stays fast;
the subcommands import what they need when they run.
"""
