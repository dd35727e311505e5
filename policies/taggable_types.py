"""Write ``pci_pack/data/taggable_types.json``: every pulumi-aws resource type that takes ``tags``.

The pack's own environment has no provider SDK, so the list is generated from the installed
``pulumi_aws`` (its resource classes, their type tokens and the legacy tokens they alias) and
committed; ``tests/policies/test_taggable_types.py`` fails when it is out of date. Run from the
repository root: ``.venv/bin/python policies/taggable_types.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).parent / "pci_pack" / "data" / "taggable_types.json"
_TOKEN = re.compile(r'@pulumi\.type_token\("(aws:[^"]+)"\)')
_ALIAS = re.compile(r'pulumi\.Alias\(type_="(aws:[^"]+)"\)')
_INIT = re.compile(r"def _internal_init\((.*?)__props__=None\)", re.DOTALL)
_TAGS = re.compile(r"^\s+tags: ", re.MULTILINE)


def taggable_types(sdk: Path) -> list[str]:
    """The type tokens (current and aliased legacy ones) of resources whose inputs take tags."""
    found: set[str] = set()
    for source in sdk.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        tokens = _TOKEN.findall(text)
        init = _INIT.search(text)
        if tokens and init and _TAGS.search(init.group(1)):
            found.update(tokens)
            found.update(_ALIAS.findall(text))
    return sorted(found)


def render(sdk: Path) -> str:
    """The data file's text for the SDK at ``sdk``."""
    return json.dumps(taggable_types(sdk), indent=1) + "\n"


def main() -> None:
    """Regenerate the data file from the installed pulumi_aws."""
    import pulumi_aws

    DATA.write_text(render(Path(pulumi_aws.__file__).parent), encoding="utf-8")


if __name__ == "__main__":
    main()
