"""Entry point the Pulumi CLI runs (`python __main__.py` in this directory): construct the pack.

Constructing ``PolicyPack`` starts the analyzer's gRPC server and blocks, so nothing else lives
here; the rules are in the importable ``pci_pack`` package.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from pci_pack import PACK_NAME, all_policies

PolicyPack(
    name=PACK_NAME,
    policies=all_policies(),
    enforcement_level=EnforcementLevel.ADVISORY,
    description="PCI DSS v4.0.1 guardrails for the payment-webhooks AWS stack",
)
