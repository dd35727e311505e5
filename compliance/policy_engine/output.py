"""The findings as `pulumi preview` prints them, and whether they block an update."""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_policy import EnforcementLevel

from compliance.policy_engine.pack import Pack
from compliance.preview.model import Violation


def has_mandatory(violations: Sequence[Violation]) -> bool:
    """True when any violation blocks an update (what makes `pulumi preview` exit non-zero)."""
    return any(v["level"] == EnforcementLevel.MANDATORY.value for v in violations)


def format_violations(violations: Sequence[Violation], pack: Pack, location: str) -> str:
    """The findings as `pulumi preview` prints its "Policies:" block for a local pack."""
    mandatory = has_mandatory(violations)
    mark = "❌" if mandatory else ("⚠️" if violations else "✅")
    lines = ["Policies:", f"    {mark} {pack.name}@v{pack.version} (local: {location})"]
    for v in violations:
        where = f"  ({v['resourceType']}: {v['urn'].rsplit('::', 1)[-1]})" if v["urn"] else ""
        lines.append(f"        - [{v['level']}]  {v['policy']}{where}")
        lines += [f"          {line}" for line in v["message"].splitlines()]
    return "\n".join(lines)
