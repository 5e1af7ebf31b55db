"""One served copy of a database: its async engine, its connection lanes and its lifetime.

SQLAlchemy's async engine (aiosqlite driver) owns the connections: it creates them through
``async_creator`` (so no URL is ever parsed from a path), pools them and disposes of them.
The store checks every pooled connection out once and keeps them as *lanes* for the life of
the copy. Measured on this kind of machine (see benchmarks/results/store.md): a point lookup
through ``AsyncConnection.execute`` costs ~300 us and a checkout per request ~120 us on top of
the query, against ~50 us for ``execute_fetchall`` on the held aiosqlite connection; hover
targets a 300 us p99, so the hot queries run pre-compiled SQL on the driver connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from docs_daemon.store import statements
from docs_daemon.store.errors import StoreError
from docs_daemon.store.loader import Snapshot, take_snapshot
from docs_daemon.store.models import DatabaseInfo, DocsetInfo

log = logging.getLogger(__name__)

Row = tuple[Any, ...]

#: Page cache per lane (``PRAGMA cache_size``; negative: KiB). Table and index
#: pages come straight from the mapped copy; the cache holds what does not (full-text
#: segments, temporary b-trees). Measured: the search workload ran no slower than with the
#: default 2 MiB, and the peak RSS of a daemon with 11 databases fell by 22 MiB.
LANE_CACHE_SIZE = -256


async def _open_lane(uri: str, mmap_size: int) -> aiosqlite.Connection:
    """A pooled connection: read-only for good (``query_only``), memory-mapped on disk."""
    connection = aiosqlite.connect(uri, uri=True, check_same_thread=False)
    # aiosqlite's worker thread is not a daemon: a process that exits without closing the
    # store would hang at interpreter shutdown waiting for it. The copy dies with the
    # process anyway, so let the thread die too.
    connection._thread.daemon = True
    await connection
    try:
        await connection.execute("PRAGMA query_only = 1")
        await connection.execute(f"PRAGMA cache_size = {LANE_CACHE_SIZE}")
        if mmap_size:
            await connection.execute(f"PRAGMA mmap_size = {int(mmap_size)}")
    except BaseException:
        await connection.close()
        raise
    return connection


class LoadedDatabase:
    """A database copy being served; pinned by queries so a reload can wait them out."""

    def __init__(
        self,
        snapshot: Snapshot,
        engine: AsyncEngine,
        connections: Sequence[AsyncConnection],
        lanes: Sequence[aiosqlite.Connection],
        info: DatabaseInfo,
        docsets_by_id: Mapping[int, DocsetInfo],
    ) -> None:
        self.snapshot = snapshot
        self.engine = engine
        self.info = info
        #: Docset id -> its facts (name, origin), for naming results; name -> id, for filters.
        self.docsets_by_id = dict(docsets_by_id)
        self.docset_ids = {docset.name: ident for ident, docset in docsets_by_id.items()}
        self.entry_count = sum(docset.entry_count for docset in info.docsets)
        self.heads = snapshot.heads
        self._connections = list(connections)
        self._lanes: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for lane in lanes:
            self._lanes.put_nowait(lane)
        # Searches may hold all lanes but one, so a point lookup never queues behind them.
        self._search_slots = asyncio.Semaphore(max(1, len(lanes) - 1))
        self._users = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._released = False

    @property
    def path(self) -> Path:
        return self.snapshot.path

    def may_have(self, name: str) -> bool:
        """False only when no name or alias of this database starts like ``name``."""
        return self.heads is None or name.partition(".")[0] in self.heads

    def pin(self) -> None:
        """Mark a query in flight on this copy; a release waits for every pin to go."""
        if self._released:
            raise StoreError(f"{self.path}: this copy of the database was released")
        self._users += 1
        self._idle.clear()

    def unpin(self) -> None:
        self._users -= 1
        if self._users == 0:
            self._idle.set()

    async def fetch(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        """Run one pre-compiled statement on a free lane and return all its rows."""
        lane = await self._lanes.get()
        try:
            rows = await lane.execute_fetchall(sql, params)
            return [tuple(row) for row in rows]
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: query failed: {error}") from error
        finally:
            self._lanes.put_nowait(lane)

    async def fetch_for_search(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        """Like :meth:`fetch`, but never takes the last free lane."""
        async with self._search_slots:
            return await self.fetch(sql, params)

    async def release(self) -> None:
        """Wait for in-flight queries, then close every connection; the memory copy is
        freed when the holder, the last connection to it, closes."""
        self._released = True
        await self._idle.wait()
        await self.close_lanes()
        await self.drop_copy()

    async def close_lanes(self) -> None:
        """Return the lanes to the pool and dispose of the engine (closes them)."""
        for connection in self._connections:
            with contextlib.suppress(Exception):
                await connection.close()
        self._connections.clear()
        await self.engine.dispose()

    async def drop_copy(self) -> None:
        """Close the holder connection, which frees the memory copy."""
        holder = self.snapshot.holder
        if holder is not None:
            await asyncio.to_thread(holder.close)


async def open_database(
    path: Path, *, memory_limit: int, pool_size: int, mmap: bool = True
) -> LoadedDatabase:
    """Load ``path`` (copy + verify off the event loop), then open ``pool_size`` lanes.

    With ``mmap`` every lane reads pages straight from the memdb buffer (or the mapped
    file) instead of copying them into its own 2 MiB page cache: measured on a 640 MiB copy,
    searches ran 2-3x faster and RSS stayed at one copy.
    """
    started = time.perf_counter()
    # The copy releases the GIL; compiling the search statements (~10 ms, needed by the
    # first searches) runs beside it in a second worker thread.
    snapshot, _ = await asyncio.gather(
        asyncio.to_thread(take_snapshot, path, memory_limit),
        asyncio.to_thread(statements.precompile_search),
    )
    mmap_size = snapshot.signature.size if mmap else 0
    engine = create_async_engine(
        "sqlite+aiosqlite://",
        async_creator=partial(_open_lane, snapshot.uri, mmap_size),
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=0,
        # Read-only connections have nothing to roll back when returned.
        pool_reset_on_return=None,
    )
    connections: list[AsyncConnection] = []
    try:
        for _ in range(pool_size):
            connections.append(await engine.connect())
        lanes: list[aiosqlite.Connection] = []
        for connection in connections:
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is not None
            lanes.append(raw.driver_connection)
        rows = await lanes[0].execute_fetchall(statements.DOCSETS.sql)
    except BaseException:
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.close()
        await engine.dispose()
        if snapshot.holder is not None:
            snapshot.holder.close()
        raise
    by_id = {
        ident: DocsetInfo(
            name=name,
            version=version,
            base_url=base_url,
            source=source,
            built_at=built_at,
            entry_count=entry_count,
            database=str(path),
            origin=origin,
            distribution=distribution,
            source_digest=digest,
        )
        for (
            ident,
            name,
            version,
            base_url,
            source,
            built_at,
            entry_count,
            origin,
            distribution,
            digest,
        ) in rows
    }
    infos = tuple(by_id.values())
    info = DatabaseInfo(
        path=path,
        mode=snapshot.mode,
        uri=snapshot.uri,
        size_bytes=snapshot.signature.size,
        load_seconds=time.perf_counter() - started,
        schema_version=snapshot.meta.get("schema_version", ""),
        built_at=snapshot.meta.get("built_at", ""),
        builder_version=snapshot.meta.get("builder_version", ""),
        docsets=infos,
    )
    log.info(
        "loaded %s (%s, %.1f MiB) in %.1f ms",
        path,
        snapshot.mode,
        info.size_bytes / (1 << 20),
        info.load_seconds * 1e3,
    )
    return LoadedDatabase(
        snapshot,
        engine,
        connections,
        lanes,
        info,
        by_id,
    )
