"""The private parts of dependencies the store relies on, checked against the installed
versions: these fail first (and say what changed) when a dependency changes under them."""

from __future__ import annotations

import threading

import aiosqlite

from docs_daemon.store.aiosqlite_thread import let_die_with_process, worker_thread


async def test_aiosqlite_worker_thread_is_found_and_runs_the_queries() -> None:
    connection = aiosqlite.connect(":memory:")
    let_die_with_process(connection)
    worker = worker_thread(connection)
    before = set(threading.enumerate())
    await connection
    try:
        started = set(threading.enumerate()) - before
        # The thread made a daemon is the one aiosqlite started for this connection.
        assert worker in started, (started, worker)
        assert worker.daemon and worker.is_alive()
        assert await connection.execute_fetchall("SELECT 1") == [(1,)]
    finally:
        await connection.close()
    worker.join(timeout=5)
    assert not worker.is_alive()
