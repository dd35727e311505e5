"""manifest.json: the sha256 of every evidence file, and `verify-evidence` to re-check it.

An auditor receives build/compliance/ as a bundle; the manifest lets them (and
`make verify-evidence`) prove that nothing was added, removed or altered since the run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compliance.files import FileFormatError, read_object

MANIFEST = "manifest.json"
DEFAULT_DIR = Path("build/compliance")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() != MANIFEST
    }


def write_manifest(root: Path, metadata: Mapping[str, Any]) -> Path:
    """Hash every file under root (but the manifest itself) into root/manifest.json."""
    path = root / MANIFEST
    doc = {"files": _files(root), "metadata": dict(metadata)}
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return path


def _listed(path: Path) -> dict[str, str]:
    """The manifest's path -> sha256 map."""
    files = read_object(path, what="a manifest").get("files")
    if not isinstance(files, dict):
        msg = f'{path} is not a valid manifest: no "files" object'
        raise FileFormatError(msg)
    return files


def verify_manifest(root: Path) -> list[str]:
    """Every problem found: missing, altered or unlisted files (empty list: intact)."""
    path = root / MANIFEST
    if not path.is_file():
        return [f"{path} is missing: run `make compliance-report` first"]
    try:
        listed = _listed(path)
    except FileFormatError as exc:
        return [str(exc)]
    actual = _files(root)
    problems = [f"missing: {name}" for name in sorted(set(listed) - set(actual))]
    problems += [
        f"altered: {name} (sha256 {actual[name]}, manifest says {digest})"
        for name, digest in sorted(listed.items())
        if name in actual and actual[name] != digest
    ]
    problems += [f"not in the manifest: {name}" for name in sorted(set(actual) - set(listed))]
    return problems


def _handle(args: argparse.Namespace) -> int:
    problems = verify_manifest(args.dir)
    for problem in problems:
        print(f"verify-evidence: {problem}")
    if problems:
        print(f"verify-evidence: FAILED ({len(problems)} problems) in {args.dir}")
        return 1
    count = len(_listed(args.dir / MANIFEST))
    print(f"verify-evidence: OK, {count} files match {args.dir / MANIFEST}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """`python -m compliance verify-evidence [--dir build/compliance]`."""
    parser = subparsers.add_parser(
        "verify-evidence", help="re-check build/compliance/ against its manifest.json"
    )
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.set_defaults(func=_handle)
