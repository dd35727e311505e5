"""Run a Pulumi Python program in-process under the capture monitor, in preview mode.

The program runs as the Python language host runs it (`run_in_stack`, `runpy`, cwd and
`sys.path` at the program directory), with `preview=True`: with `preview=False` inputs whose
value is unknown are silently dropped. Everything a run changes in the process (cwd,
`sys.path`, `sys.argv`, environment, the program's own modules, the root stack and config
context variables) is put back afterwards, so a second run gives the same result.
"""

from __future__ import annotations

import contextlib
import logging
import os
import runpy
import sys
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path

import pulumi

from compliance.preview import sdk
from compliance.preview.config import (
    Project,
    ProjectError,
    StackConfig,
    load_config,
    load_project,
)
from compliance.preview.mocks import DEFAULT_REGION, RealisticMocks
from compliance.preview.model import Diagnostic, Preview
from compliance.preview.monitor import CaptureMonitor


class PreviewError(Exception):
    """The preview could not be produced; the message is meant for the user as it is."""


class ProgramError(PreviewError):
    """The program itself failed: the message is the program's error (and its own frames)."""


class _Collector(logging.Handler):
    """Keeps what the program logs through `pulumi.log` (the mock engine logs it here)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.diagnostics: list[Diagnostic] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.diagnostics.append(Diagnostic(record.levelname.lower(), record.getMessage()))


_THIS_PACKAGE = Path(__file__).resolve().parent


def _is_program_file(filename: str, program_dir: Path) -> bool:
    """Part of the program: under its directory, neither installed nor this engine itself."""
    path = Path(filename).resolve()
    return (
        path.is_relative_to(program_dir)
        and "site-packages" not in path.parts
        and not path.is_relative_to(_THIS_PACKAGE)
    )


def program_message(exc: BaseException, program_dir: Path) -> str:
    """The program's own error, at the program's own location: `file:line: Error: message`
    (the message alone for a `pulumi.RunError`, which Pulumi raises for config errors)."""
    if isinstance(exc, pulumi.RunError):
        return str(exc)
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if _is_program_file(frame.filename, program_dir)
    ]
    text = "".join(traceback.format_exception_only(exc)).strip()
    if not frames:
        return text
    where = Path(frames[-1].filename).resolve()
    shown = where.relative_to(program_dir) if where.is_relative_to(program_dir) else where
    return f"{shown}:{frames[-1].lineno}: {text}"


@contextlib.contextmanager
def _isolated(project: Project) -> Iterator[None]:
    """Run with the program's directory as cwd and first on `sys.path`; undo it all after."""
    saved_cwd, saved_path, saved_argv = os.getcwd(), list(sys.path), list(sys.argv)
    saved_env = dict(os.environ)
    modules_before = set(sys.modules)
    # Config comes from the stack files and overrides only, never from this shell.
    for name in [n for n in os.environ if n.startswith("PULUMI_CONFIG")]:
        del os.environ[name]
    os.chdir(project.directory)
    sys.path.insert(0, str(project.directory))
    sys.argv = [str(project.main)]
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv
        os.environ.clear()
        os.environ.update(saved_env)
        for name in set(sys.modules) - modules_before:
            filename = getattr(sys.modules[name], "__file__", None)
            if filename and _is_program_file(filename, project.directory):
                del sys.modules[name]


# The runtime settings a run replaces (each is a context variable behind `SETTINGS`).
_SETTINGS_FIELDS = (
    "rpc_manager",
    "outputs",
    "monitor",
    "monitor_features",
    "engine",
    "project",
    "stack",
    "dry_run",
    "organization",
    "root_directory",
    "callbacks",
)


@contextlib.contextmanager
def _mock_runtime(
    monitor: CaptureMonitor,
    logger: logging.Logger,
    project: Project,
    stack: str,
    stack_config: StackConfig,
) -> Iterator[None]:
    """Point the Pulumi runtime at `monitor` in preview mode with this config; restore the
    previous runtime state after (a caller's own `set_mocks` keeps working)."""
    settings = sdk.SETTINGS
    previous = {name: getattr(settings, name) for name in _SETTINGS_FIELDS}
    # Constructing MockSettings sets the runtime's context variables themselves.
    sdk.MockSettings(
        rpc_manager=sdk.RPCManager(),
        outputs=set(),
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
        engine=sdk.MockEngine(logger),
        project=project.name,
        stack=stack,
        dry_run=True,
        organization="organization",
        root_directory=str(project.directory),
        callbacks=None,
    )
    root_token = sdk.ROOT.set(None)
    try:
        with sdk.config_context(stack_config.values, set(stack_config.secret_keys)):
            yield
    finally:
        sdk.ROOT.reset(root_token)
        for name, value in previous.items():
            setattr(settings, name, value)


def _display_path(directory: Path) -> str:
    cwd = Path.cwd().resolve()
    return str(directory.relative_to(cwd)) if directory.is_relative_to(cwd) else str(directory)


def run_preview(
    program_dir: str | os.PathLike[str] = ".",
    stack: str = "dev",
    config: Mapping[str, str] | None = None,
    *,
    unknowns: bool = False,
) -> Preview:
    """Run the Pulumi program in `program_dir` offline and capture every resource it registers.

    `config` overrides the stack's configuration (`KEY` without a namespace belongs to the
    project). `unknowns=True` leaves computed outputs unknown, as in a new stack's first
    preview. Raises `PreviewError` for an unusable project and `ProgramError` when the
    program fails.
    """
    directory = Path(program_dir).resolve()
    try:
        project = load_project(directory)
        stack_config = load_config(project, stack, config or {})
    except ProjectError as exc:
        raise PreviewError(str(exc)) from exc

    region = stack_config.values.get("aws:region", DEFAULT_REGION)
    monitor = CaptureMonitor(
        RealisticMocks(unknowns=unknowns, default_region=region),
        stack_config.values,
        stack_config.secret_keys,
    )
    collector = _Collector()
    logger = logging.getLogger(f"{__name__}.program")
    logger.propagate = False
    logger.setLevel(logging.INFO)

    def program() -> None:
        runpy.run_path(str(project.main), run_name="__main__")

    failure: Exception | None = None
    logger.addHandler(collector)
    try:
        with _isolated(project), _mock_runtime(monitor, logger, project, stack, stack_config):
            sdk.run_program(program)
    except Exception as exc:  # any failure of the program is reported as its own
        failure = exc
    finally:
        logger.removeHandler(collector)

    # The engine also fails a deployment whose program logged errors, even if it returned.
    errors = [d.message for d in collector.diagnostics if d.severity == "error"]
    if failure is not None:
        errors.append(program_message(failure, directory))
    if errors:
        raise ProgramError("\n".join(errors)) from failure
    return Preview(
        program=_display_path(directory),
        stack=stack,
        project=project.name,
        resources=monitor.captured(),
        data_sources=tuple(monitor.mocks.calls),
        unknowns=unknowns,
        absent_secure_config=stack_config.absent_secure,
        diagnostics=tuple(collector.diagnostics),
    )
