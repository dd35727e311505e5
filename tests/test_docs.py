"""The documentation generated from the code is current, and the generators say what is wrong."""

from __future__ import annotations

import re

import pytest

from compliance import docs


def test_the_committed_generated_docs_are_current() -> None:
    stale = [str(p.relative_to(docs.ROOT)) for p in docs.stale()]
    assert stale == [], "regenerate with `make docs`"


def test_every_config_key_and_every_policy_has_a_row() -> None:
    from compliance.policy_engine import DEFAULT_PACK_DIR, load_pack
    from stack.config import CONFIG_KEYS

    config = docs.configuration_page()
    assert all(f"| `{key}` |" in config for key in CONFIG_KEYS)
    pack = load_pack(DEFAULT_PACK_DIR)
    policies = docs.policies_page(pack.policies, pack.enforcement_level.value)
    assert all(f"| `{p.name}`" in policies for p in pack.policies)


def test_a_config_key_without_a_meaning_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docs, "MEANING", {k: v for k, v in docs.MEANING.items() if k != "owner"})
    with pytest.raises(docs.DocsError, match="owner"):
        docs.configuration_page()


def test_the_diagram_block_is_replaced_and_a_page_without_one_is_an_error() -> None:
    page = f"# Title\n\n{docs._BEGIN}\nold\n{docs._END}\n\nafter\n"
    block = f"{docs._BEGIN}\n```mermaid\nflowchart LR\n  a --> b\n```\n{docs._END}"
    assert docs.with_diagram(page, "flowchart LR\n  a --> b\n", "p.md") == (
        f"# Title\n\n{block}\n\nafter\n"
    )
    with pytest.raises(docs.DocsError, match=r"p\.md has no diagram block"):
        docs.with_diagram("# Title\n", "flowchart LR", "p.md")


def test_every_relative_link_in_the_docs_reaches_a_file() -> None:
    pages = [docs.ROOT / "README.md", *sorted((docs.ROOT / "docs").rglob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(docs.ROOT)} -> {target}")
    assert broken == []
