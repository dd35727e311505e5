"""Evaluate a CrossGuard policy pack offline, the way the Pulumi engine does under `--policy-pack`.

One module per job: `pack` loads the pack through its own ``__main__.py`` without starting the
gRPC server; `settings` reconciles levels and config and validates it against each policy's
schema; `evaluation` runs remediations, resource and stack policies in the engine's order;
`output` prints the findings as `pulumi preview` does. See docs/preview.md.
"""

from compliance.policy_engine.errors import PolicyEngineError
from compliance.policy_engine.evaluation import OfflineResourceOptions, evaluate
from compliance.policy_engine.output import format_violations, has_mandatory
from compliance.policy_engine.pack import DEFAULT_PACK_DIR, Pack, load_pack
from compliance.policy_engine.settings import (
    PolicySettings,
    load_config,
    parse_config,
    reconcile_config,
)
from compliance.preview.model import Violation

__all__ = [
    "DEFAULT_PACK_DIR",
    "OfflineResourceOptions",
    "Pack",
    "PolicyEngineError",
    "PolicySettings",
    "Violation",
    "evaluate",
    "format_violations",
    "has_mandatory",
    "load_config",
    "load_pack",
    "parse_config",
    "reconcile_config",
]
