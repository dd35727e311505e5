"""PCI DSS v4.0.1 CrossGuard rules for the payment-webhooks stack, one rule per module.

Importing this package starts nothing: ``policies/__main__.py`` is the only place that
constructs the (blocking) ``PolicyPack``.
"""

from pci_pack.registry import PACK_NAME, all_policies

__all__ = ["PACK_NAME", "all_policies"]
