"""The Lambda bundle: build it (``python -m stack.bundle``, run by ``make package``) and find it.

The bundle is the handler package plus its pinned arm64 wheels. Two builds from the same sources
give byte-identical zips (sorted entries, fixed timestamps and modes, no bytecode), so `pulumi up`
sees a code change only when the code changed. This module imports nothing from Pulumi.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_DIR = ROOT / "lambda"
REQUIREMENTS = LAMBDA_DIR / "requirements.txt"
PACKAGE = "webhook_processor"
# The Lambda runtime the functions use; the bundled wheels are built for the same Python.
PYTHON_VERSION = "3.12"
LAMBDA_RUNTIME = f"python{PYTHON_VERSION}"
DEFAULT_BUNDLE = ROOT / "build" / "lambda.zip"
PLATFORM = "manylinux2014_aarch64"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
MAX_BYTES = 10 * 1024 * 1024
_EXCLUDED_PARTS = {"__pycache__", "bin"}
_EXCLUDED_SUFFIXES = {".pyc", ".pyo"}


def install_wheels(target: Path) -> None:
    """Install the pinned runtime wheels for arm64 Lambda into ``target`` (no host builds)."""
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
        "--only-binary=:all:", "--implementation", "cp", "--python-version", PYTHON_VERSION,
        "--platform", PLATFORM, "--target", str(target), "-r", str(REQUIREMENTS),
    ]  # fmt: skip
    subprocess.run(cmd, check=True)  # noqa: S603 (fixed argv, no shell)


def _included(relative: Path) -> bool:
    if _EXCLUDED_PARTS.intersection(relative.parts) or relative.suffix in _EXCLUDED_SUFFIXES:
        return False
    return relative.name != "direct_url.json"


def write_zip(staging: Path, output: Path) -> None:
    """Zip ``staging`` with sorted entries, fixed timestamps and fixed modes."""
    files = sorted(
        (p for p in staging.rglob("*") if p.is_file() and _included(p.relative_to(staging))),
        key=lambda p: p.relative_to(staging).as_posix(),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=FIXED_DATE)
            mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    tmp.replace(output)


def build(output: Path) -> Path:
    """Build the bundle at ``output`` and return it; fail if it exceeds the size budget."""
    with tempfile.TemporaryDirectory(prefix="lambda-bundle-") as tmp:
        staging = Path(tmp)
        install_wheels(staging)
        shutil.copytree(
            LAMBDA_DIR / PACKAGE,
            staging / PACKAGE,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        write_zip(staging, output)
    size = output.stat().st_size
    if size > MAX_BYTES:
        msg = f"{output} is {size} bytes, over the {MAX_BYTES}-byte budget"
        raise SystemExit(msg)
    return output


class BundleMissingError(FileNotFoundError):
    """The bundle has not been built: deploying without code would fail later and less clearly."""


def locate(path: Path = DEFAULT_BUNDLE) -> Path:
    """Return the bundle path, or fail with the command that builds it."""
    if not path.is_file():
        msg = f"Lambda bundle {path} not found: run `make package` first (it builds {path.name})"
        raise BundleMissingError(msg)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_BUNDLE)
    args = parser.parse_args()
    path = build(args.output)
    print(f"built {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
