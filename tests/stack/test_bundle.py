"""The Lambda bundle: reproducible, arm64, lean, and required before a deploy."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from stack import bundle

ELF_MAGIC = b"\x7fELF"
EM_AARCH64 = 183


def _sources() -> list[Path]:
    """What the bundle is built from (the Makefile's prerequisites of build/lambda.zip)."""
    code = [p for p in (bundle.LAMBDA_DIR / bundle.PACKAGE).rglob("*.py") if p.is_file()]
    return [*code, bundle.REQUIREMENTS, Path(bundle.__file__)]


def _current(path: Path) -> bool:
    """True when ``path`` was built after every source changed (as `make` judges it)."""
    return path.is_file() and path.stat().st_mtime >= max(p.stat().st_mtime for p in _sources())


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """This build and an independent one of the same sources: `make test` has just built
    build/lambda.zip, so it is the second build when current; otherwise build another."""
    first = bundle.build(tmp_path_factory.mktemp("first") / "lambda.zip")
    if _current(bundle.DEFAULT_BUNDLE):
        return first, bundle.DEFAULT_BUNDLE
    return first, bundle.build(tmp_path_factory.mktemp("second") / "lambda.zip")


def test_two_builds_are_byte_identical(builds: tuple[Path, Path]) -> None:
    first, second = builds
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )


def test_entries_are_sorted_with_fixed_timestamps(builds: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(builds[0]) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {bundle.FIXED_DATE}
    assert not [n for n in names if n.endswith((".pyc", "direct_url.json")) or "__pycache__" in n]


def test_handlers_sit_at_the_root_and_boto3_is_left_to_the_runtime(
    builds: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(builds[0]) as zf:
        names = set(zf.namelist())
    assert "webhook_processor/__init__.py" in names
    assert any(n.startswith("aws_lambda_powertools/") for n in names)
    assert any(n.startswith("cryptography/") for n in names)
    assert not any(n.startswith(("boto3/", "botocore/")) for n in names)


def test_native_libraries_are_aarch64(builds: tuple[Path, Path]) -> None:
    machines = {}
    with zipfile.ZipFile(builds[0]) as zf:
        for name in zf.namelist():
            if name.endswith(".so") or ".so." in name:
                header = zf.read(name)[:20]
                assert header[:4] == ELF_MAGIC, name
                machines[name] = int.from_bytes(header[18:20], "little")
    assert machines, "expected native libraries (cryptography, cffi)"
    assert set(machines.values()) == {EM_AARCH64}, machines


def test_bundle_stays_under_10_mb(builds: tuple[Path, Path]) -> None:
    assert builds[0].stat().st_size < bundle.MAX_BYTES


def test_a_missing_bundle_says_to_run_make_package(tmp_path: Path) -> None:
    with pytest.raises(bundle.BundleMissingError, match="run `make package` first"):
        bundle.locate(tmp_path / "lambda.zip")
