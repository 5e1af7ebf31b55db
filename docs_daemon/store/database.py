"""One served copy of a database: its async engine, its connection lanes and its lifetime.

SQLAlchemy's async engine (aiosqlite driver) owns the connections: it creates them through
``async_creator`` (so no URL is ever parsed from a path), pools them and disposes of them.
The store checks every pooled connection out once and keeps them as *lanes* for the life of
the copy.

Why queries run on the lanes' driver connections (this is the only place that does): a point
lookup through ``AsyncConnection.execute`` costs ~300 us and a checkout per request ~120 us on
top of the query, against ~50 us for ``execute_fetchall`` on the held aiosqlite connection
(benchmarks/results/store.md, "where a point lookup's time goes"); hover targets a 300 us
p99. So :meth:`LoadedDatabase.fetch` runs SQL that SQLAlchemy compiled once
(``statements``) on the driver connection, and SQLAlchemy keeps the schema, the statements,
the engine, the pool and their disposal.
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
from docs_daemon.store.aiosqlite_thread import let_die_with_process
from docs_daemon.store.errors import StoreError
from docs_daemon.store.loader import Snapshot, take_snapshot
from docs_daemon.store.models import DatabaseInfo, DocsetInfo
from docs_daemon.store.statements import Compiled, DocsetRow, Row

log = logging.getLogger(__name__)

#: Page cache per lane, in KiB. Table and index pages come straight from the mapped copy;
#: the cache holds what does not (full-text segments, temporary b-trees). Measured: the
#: search workload ran no slower than with SQLite's default 2 MiB, and the peak RSS of a
#: daemon serving 11 databases fell by 22 MiB.
LANE_CACHE_KIB = 256


async def _open_lane(uri: str, mmap_size: int) -> aiosqlite.Connection:
    """A pooled connection: read-only for good (``query_only``), reading the copy through
    memory mapping, with a small page cache."""
    connection = aiosqlite.connect(uri, uri=True, check_same_thread=False)
    let_die_with_process(connection)  # the copy dies with the process anyway
    await connection
    try:
        await connection.execute(statements.QUERY_ONLY)
        await connection.execute(statements.cache_size(LANE_CACHE_KIB))
        if mmap_size:
            await connection.execute(statements.mmap_size(mmap_size))
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

    def may_have(self, qualname: str) -> bool:
        """False only when no name or alias here starts with ``qualname``'s first part."""
        vocabulary = self.snapshot.vocabulary
        return vocabulary is None or vocabulary.may_have(qualname)

    def may_match(self, word: str) -> bool:
        """False only when no name here, nor any word of one, can start with ``word``."""
        vocabulary = self.snapshot.vocabulary
        return vocabulary is None or vocabulary.may_match(word)

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

    async def fetch(self, statement: Compiled[Row], params: Mapping[str, Any]) -> list[Row]:
        """Run one pre-compiled statement on a free lane; its rows, shaped."""
        lane = await self._lanes.get()
        try:
            return statement.rows(await lane.execute_fetchall(statement.sql, params))
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: query failed: {error}") from error
        finally:
            self._lanes.put_nowait(lane)

    async def fetch_for_search(
        self, statement: Compiled[Row], params: Mapping[str, Any]
    ) -> list[Row]:
        """Like :meth:`fetch`, but never takes the last free lane."""
        async with self._search_slots:
            return await self.fetch(statement, params)

    async def release(self) -> None:
        """Wait for in-flight queries, then close every connection; the memory copy is
        freed when the holder, the last connection to it, closes."""
        self._released = True
        await self._idle.wait()
        await self.close_lanes()
        await self.drop_copy()

    async def close_lanes(self) -> None:
        """Return the lanes to the pool and dispose of the engine (closes them)."""
        await _close_all(self._connections, self.engine)
        self._connections.clear()

    async def drop_copy(self) -> None:
        """Close the holder connection, which frees the memory copy."""
        holder = self.snapshot.holder
        if holder is not None:
            await asyncio.to_thread(holder.close)


async def _close_all(connections: Sequence[AsyncConnection], engine: AsyncEngine) -> None:
    for connection in connections:
        with contextlib.suppress(Exception):
            await connection.close()
    await engine.dispose()


async def _copy(path: Path, memory_limit: int) -> Snapshot:
    """The verified copy, made in a worker thread. The copy releases the GIL; compiling the
    search statements (~10 ms, needed by the first searches) runs beside it in another."""
    snapshot, _ = await asyncio.gather(
        asyncio.to_thread(take_snapshot, path, memory_limit),
        asyncio.to_thread(statements.precompile_search),
    )
    return snapshot


def _engine(snapshot: Snapshot, pool_size: int, mmap: bool) -> AsyncEngine:
    mmap_size = snapshot.signature.size if mmap else 0
    return create_async_engine(
        "sqlite+aiosqlite://",
        async_creator=partial(_open_lane, snapshot.uri, mmap_size),
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=0,
        # Read-only connections have nothing to roll back when returned.
        pool_reset_on_return=None,
    )


async def _check_out(
    engine: AsyncEngine, pool_size: int
) -> tuple[list[AsyncConnection], list[aiosqlite.Connection]]:
    """Every pooled connection, held for the life of the copy, and its driver connection."""
    connections: list[AsyncConnection] = []
    lanes: list[aiosqlite.Connection] = []
    try:
        for _ in range(pool_size):
            connection = await engine.connect()
            connections.append(connection)
            raw = await connection.get_raw_connection()
            assert raw.driver_connection is not None
            lanes.append(raw.driver_connection)
    except BaseException:
        await _close_all(connections, engine)
        raise
    return connections, lanes


def _docset_info(row: DocsetRow, path: Path) -> DocsetInfo:
    return DocsetInfo(
        name=row.name,
        version=row.version,
        base_url=row.base_url,
        source=row.source,
        built_at=row.built_at,
        entry_count=row.entry_count,
        database=str(path),
        origin=row.origin,
        distribution=row.distribution,
        source_digest=row.source_digest,
    )


def _database_info(
    snapshot: Snapshot, docsets: Sequence[DocsetInfo], seconds: float
) -> DatabaseInfo:
    return DatabaseInfo(
        path=snapshot.path,
        mode=snapshot.mode,
        uri=snapshot.uri,
        size_bytes=snapshot.signature.size,
        load_seconds=seconds,
        schema_version=snapshot.meta.get("schema_version", ""),
        built_at=snapshot.meta.get("built_at", ""),
        builder_version=snapshot.meta.get("builder_version", ""),
        docsets=tuple(docsets),
    )


async def open_database(
    path: Path, *, memory_limit: int, pool_size: int, mmap: bool = True
) -> LoadedDatabase:
    """Load ``path`` (copy + verify off the event loop), then open ``pool_size`` lanes.

    With ``mmap`` every lane reads pages straight from the memdb buffer (or the mapped
    file) instead of copying them into its own page cache: measured on a 640 MiB copy,
    searches ran 2-3x faster and RSS stayed at one copy.
    """
    started = time.perf_counter()
    snapshot = await _copy(path, memory_limit)
    engine = _engine(snapshot, pool_size, mmap)
    try:
        connections, lanes = await _check_out(engine, pool_size)
        try:
            rows = statements.DOCSETS.rows(await lanes[0].execute_fetchall(statements.DOCSETS.sql))
        except BaseException:
            await _close_all(connections, engine)
            raise
    except BaseException:
        if snapshot.holder is not None:
            snapshot.holder.close()
        raise
    docsets = {row.id: _docset_info(row, path) for row in rows}
    info = _database_info(snapshot, list(docsets.values()), time.perf_counter() - started)
    log.info(
        "loaded %s (%s, %.1f MiB) in %.1f ms",
        path,
        snapshot.mode,
        info.size_bytes / (1 << 20),
        info.load_seconds * 1e3,
    )
    return LoadedDatabase(snapshot, engine, connections, lanes, info, docsets)
