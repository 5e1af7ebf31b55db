"""The one place the store touches aiosqlite's internals: the worker thread of a connection.

aiosqlite runs each connection's calls on a thread of its own, not a daemon thread, and
offers no public way to make it one; a process that exits without closing the store would
then hang at interpreter shutdown, waiting for threads whose copy dies with the process
anyway. From 0.22 the thread is the connection's ``_thread``; before 0.22 the connection
was itself the thread. ``tests/store/test_dependency_internals.py`` fails loudly when a new
aiosqlite matches neither.
"""

from __future__ import annotations

import threading

import aiosqlite


def worker_thread(connection: aiosqlite.Connection) -> threading.Thread:
    """The thread that runs ``connection``'s calls (not started before it is awaited)."""
    worker = getattr(connection, "_thread", connection)
    if not isinstance(worker, threading.Thread):
        raise RuntimeError(
            f"aiosqlite {aiosqlite.__version__}: cannot find a connection's worker thread"
        )
    return worker


def let_die_with_process(connection: aiosqlite.Connection) -> None:
    """Make ``connection``'s worker a daemon thread; call it before awaiting the connection."""
    worker_thread(connection).daemon = True
