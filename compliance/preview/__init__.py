"""The offline preview: run a Pulumi Python program under realistic mocks and capture every
resource the engine would receive, options included (docs/preview.md).

    preview = run_preview(".", "dev", {"environmentSuffix": "pr1"}, unknowns=False)
    preview.resources      # sorted by URN
    preview.to_json()      # the `compliance preview --json` file
    preview.violations     # empty here; the policy evaluation appends to it
"""

from compliance.preview.model import Diagnostic, Preview, Resource, ResourceOptions, Violation
from compliance.preview.runner import PreviewError, ProgramError, run_preview

__all__ = [
    "Diagnostic",
    "Preview",
    "PreviewError",
    "ProgramError",
    "Resource",
    "ResourceOptions",
    "Violation",
    "run_preview",
]
