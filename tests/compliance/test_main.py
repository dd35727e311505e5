"""`python -m compliance` leaves no event loop or socket for the interpreter to find at exit."""

from __future__ import annotations

import asyncio
import gc
import warnings
from pathlib import Path

from compliance.__main__ import owned_event_loops
from compliance.preview import run_preview

MINIMAL = Path(__file__).parent / "preview" / "programs" / "minimal"


def test_every_event_loop_of_a_mocked_program_run_is_closed() -> None:
    gc.collect()  # loops other tests dropped are not this test's business
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with owned_event_loops():
            preview = run_preview(MINIMAL, stack="dev")
            main_loop = asyncio.get_event_loop()
        assert main_loop.is_closed()
        gc.collect()
    assert preview.of_type("aws:s3/bucket:Bucket")
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == []


def test_without_owned_loops_the_sdk_leaves_worker_loops_open() -> None:
    """The failure the context manager exists for: if the SDK starts closing its loops, this
    fails and owned_event_loops can go."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with asyncio.Runner():
            run_preview(MINIMAL, stack="dev")
        gc.collect()
    assert any("unclosed event loop" in str(w.message) for w in caught)
