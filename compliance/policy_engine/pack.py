"""Load a CrossGuard pack by running its own ``__main__.py``, as the CLI's analyzer host does.

``pulumi_policy.PolicyPack`` is replaced by a stand-in that records its arguments instead of
starting the blocking gRPC server, so any pack directory works and ``__main__.py`` stays the
single place a pack is assembled.
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pulumi_policy import EnforcementLevel, Policy

from compliance.policy_engine.errors import PolicyEngineError
from compliance.preview.sdk import policy_pack_replaced

DEFAULT_PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
_DEFAULT_PACK_VERSION = "0.0.1"  # what pulumi-policy reports when PulumiPolicy.yaml has none


@dataclass(frozen=True)
class Pack:
    """A policy pack as its ``__main__.py`` constructed it."""

    name: str
    version: str
    policies: tuple[Policy, ...]
    enforcement_level: EnforcementLevel
    initial_config: Mapping[str, Any]


class _Captured(BaseException):
    """Raised by the stand-in PolicyPack to stop the pack's ``__main__`` where the real one
    would block; a BaseException so that a pack's own ``except Exception`` cannot swallow it."""

    def __init__(self, kwargs: dict[str, Any]) -> None:
        super().__init__("PolicyPack constructed")
        self.kwargs = kwargs


def _capture(
    name: str,
    policies: list[Policy],
    enforcement_level: EnforcementLevel | None = None,
    initial_config: dict[str, Any] | None = None,
    **_metadata: Any,
) -> None:
    raise _Captured(
        {
            "name": name,
            "policies": policies,
            "enforcement_level": enforcement_level,
            "initial_config": initial_config,
        }
    )


def _pack_version(pack_dir: Path) -> str:
    project = pack_dir / "PulumiPolicy.yaml"
    if not project.is_file():
        msg = f"{pack_dir} is not a policy pack: it has no PulumiPolicy.yaml"
        raise PolicyEngineError(msg)
    data = yaml.safe_load(project.read_text()) or {}
    return str(data.get("version") or _DEFAULT_PACK_VERSION)


@cache
def _load_pack(pack_dir: Path) -> Pack:
    version = _pack_version(pack_dir)
    if not (pack_dir / "__main__.py").is_file():
        msg = f"{pack_dir} has no __main__.py constructing a PolicyPack"
        raise PolicyEngineError(msg)
    try:
        with policy_pack_replaced(_capture):
            runpy.run_path(str(pack_dir), run_name="__main__")
    except _Captured as captured:
        args = captured.kwargs
    else:
        msg = f"{pack_dir}/__main__.py never constructs a PolicyPack"
        raise PolicyEngineError(msg)
    policies = args["policies"]
    if not policies or not all(isinstance(p, Policy) for p in policies):
        msg = f"{pack_dir}: PolicyPack needs a non-empty list of pulumi_policy.Policy objects"
        raise PolicyEngineError(msg)
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        msg = (
            f"{pack_dir}: duplicate policy names {sorted({n for n in names if names.count(n) > 1})}"
        )
        raise PolicyEngineError(msg)
    return Pack(
        name=args["name"],
        version=version,
        policies=tuple(policies),
        enforcement_level=args["enforcement_level"] or EnforcementLevel.ADVISORY,
        initial_config=args["initial_config"] or {},
    )


def load_pack(pack_dir: str | Path = DEFAULT_PACK_DIR) -> Pack:
    """The pack in ``pack_dir`` (loaded once per process; its gRPC server is never started)."""
    return _load_pack(Path(pack_dir).resolve())
