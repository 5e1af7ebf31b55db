"""Background tasks of the server: a failure is logged with its traceback, cancelling is not."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from docs_daemon.server import DocsServer


async def _fails() -> None:
    await asyncio.sleep(0)
    raise ValueError("the status could not be built")


async def _waits() -> None:
    await asyncio.sleep(60)


async def test_spawned_failure_is_logged_with_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = DocsServer([], use_bundled=False, cache_dir=tmp_path)
    caplog.set_level(logging.DEBUG, logger="docs_daemon")
    server.spawn(_fails())
    server.spawn(_waits())
    cancelled = next(t for t in server._background if t.get_coro().__name__ == "_waits")  # type: ignore[union-attr]
    cancelled.cancel()
    for _ in range(5):
        await asyncio.sleep(0)
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1, caplog.text
    assert "the status could not be built" in failures[0].getMessage()
    assert failures[0].exc_info is not None
    assert "in _fails" in caplog.text  # the traceback names where it was raised
    assert not server._background
