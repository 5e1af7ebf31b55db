"""The store the daemon talks to: loads databases off the event loop, answers typed queries
across them in precedence order, and swaps in rebuilt files without dropping a query."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Literal

from docs_daemon.store import queries
from docs_daemon.store.database import LoadedDatabase, open_database
from docs_daemon.store.errors import StoreError
from docs_daemon.store.loader import FileSignature
from docs_daemon.store.models import (
    DatabaseInfo,
    DocsetInfo,
    Entry,
    EntryBrief,
    StoreEvent,
    StoreEventKind,
)
from docs_daemon.store.queries import Scope

log = logging.getLogger(__name__)

State = Literal["idle", "loading", "ready", "failed"]

#: Connections per database. Two cores give no more throughput past two, but a connection
#: busy with a broad search must leave others free for hovers (see the benchmark note).
DEFAULT_POOL_SIZE = 4


def storable(text: str) -> str:
    """User text as SQLite can bind it: lone surrogates (from JSON escapes or undecodable
    command-line bytes) become "?" instead of failing the query."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


class DocStore:
    """Documentation databases copied into memory and queried asynchronously.

    Earlier paths take precedence: a lookup answers from the first database that has the
    name, and equally good search results are ordered by it.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        memory_limit: int = 1 << 30,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self._paths = tuple(Path(path) for path in paths)
        self._memory_limit = memory_limit
        self._pool_size = max(1, pool_size)
        self._state: State = "idle"
        self._error: str | None = None
        self._databases: list[LoadedDatabase] = []
        self._scopes: tuple[Scope, ...] = ()
        self._docset_filter: frozenset[str] | None = None
        self._listeners: list[Callable[[StoreEvent], None]] = []
        self._load_task: asyncio.Task[None] | None = None
        self._reload_lock: asyncio.Lock | None = None
        #: Signatures of replacement files already refused, so a watch does not retry them.
        self._refused: dict[Path, FileSignature | None] = {}

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def paths(self) -> tuple[Path, ...]:
        return self._paths

    async def start(self) -> None:
        """Begin loading every database in a worker thread; returns at once."""
        if self._load_task is None:
            self._state = "loading"
            self._load_task = asyncio.create_task(self._load_all(), name="docs-daemon-store-load")

    async def wait_ready(self) -> None:
        """Wait until every database is served; raise StoreError if loading failed."""
        if self._state != "ready":
            await self.start()
            assert self._load_task is not None
            await asyncio.shield(self._load_task)
        if self._state == "failed":
            raise StoreError(self._error or "loading failed")

    async def _load_all(self) -> None:
        loaded: list[LoadedDatabase] = []
        try:
            if not self._paths:
                raise StoreError("no documentation database to load")
            for path in self._paths:
                loaded.append(await self._open(path))
        except Exception as error:
            for database in loaded:
                await database.release()
            self._error = str(error) if isinstance(error, StoreError) else f"{error!r}"
            self._state = "failed"
            log.info("cannot load the documentation: %s", self._error)
            self._notify("failed", self._failed_path(loaded), self._error)
            return
        self._databases = loaded
        self._rebuild_scopes()
        self._state = "ready"
        for database in loaded:
            info = database.info
            self._notify("loaded", info.path, _describe(info))

    def _failed_path(self, loaded: Sequence[LoadedDatabase]) -> Path:
        index = min(len(loaded), len(self._paths) - 1)
        return self._paths[index] if self._paths else Path()

    async def _open(self, path: Path) -> LoadedDatabase:
        return await open_database(path, memory_limit=self._memory_limit, pool_size=self._pool_size)

    async def close(self) -> None:
        """Stop serving: wait for in-flight queries, then free every copy."""
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._load_task
        databases, self._databases, self._scopes = self._databases, [], ()
        for database in databases:
            await database.release()
        self._load_task = None
        self._state = "idle"

    # -- events --------------------------------------------------------------------------

    def add_listener(self, callback: Callable[[StoreEvent], None]) -> None:
        """Call ``callback`` on loaded / reloaded / reload_failed / failed."""
        self._listeners.append(callback)

    def _notify(self, kind: StoreEventKind, path: Path, message: str) -> None:
        event = StoreEvent(kind, path, message)
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("a store listener failed on %s", event)

    # -- docset filter and precedence ----------------------------------------------------

    def use_docsets(self, names: Collection[str] | None) -> None:
        """Answer only from these docsets (None: all of them), in every query."""
        self._docset_filter = None if names is None else frozenset(names)
        self._rebuild_scopes()

    def _rebuild_scopes(self) -> None:
        scopes = []
        for precedence, database in enumerate(self._databases):
            if self._docset_filter is None:
                allowed = None
            else:
                allowed = frozenset(
                    ident
                    for name, ident in database.docset_ids.items()
                    if name in self._docset_filter
                )
                if not allowed:
                    continue
                if len(allowed) == len(database.docset_ids):
                    allowed = None
            scopes.append(Scope(database, precedence, allowed))
        self._scopes = tuple(scopes)

    @contextlib.contextmanager
    def _pinned(self) -> Iterator[tuple[Scope, ...]]:
        """The current scopes, pinned so a reload releases no copy a query still reads."""
        scopes = self._scopes
        for scope in scopes:
            scope.db.pin()
        try:
            yield scopes
        finally:
            for scope in scopes:
                scope.db.unpin()

    async def _ready(self) -> None:
        if self._state != "ready":
            await self.wait_ready()

    # -- queries -------------------------------------------------------------------------

    async def lookup(self, qualname: str) -> Entry | None:
        """The entry with exactly this qualified name, from the first database having it."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.lookup(scopes, storable(qualname))

    async def lookup_nocase(self, qualname: str) -> Entry | None:
        """Like :meth:`lookup`, forgiving case (``JSON.dumps`` -> ``json.dumps``) when no
        name matches exactly: for people typing at a terminal, not for resolved code."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.lookup_nocase(scopes, storable(qualname))

    async def lookup_many(self, qualnames: Sequence[str]) -> list[Entry]:
        """Entries for these qualified names, in the given order; missing ones left out."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.lookup_many(scopes, [storable(q) for q in qualnames])

    async def resolve(self, name: str, context: Sequence[str] = (), limit: int = 8) -> list[Entry]:
        """Best entries for a short or partial name; ``context`` names likely parents."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.resolve(
                scopes, storable(name), [storable(c) for c in context], limit
            )

    async def members(self, parent: str, prefix: str = "", limit: int = 500) -> list[EntryBrief]:
        """Documented members of a module or class, by case-insensitive name prefix."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.members(scopes, storable(parent), storable(prefix), limit)

    async def modules(self, prefix: str, limit: int = 200) -> list[EntryBrief]:
        """Modules whose qualified name starts with ``prefix`` (import completion)."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.modules(scopes, storable(prefix), limit)

    async def search(self, query: str, limit: int = 50) -> list[EntryBrief]:
        """Ranked symbol search: exact > name prefix > component prefix > substring > fuzzy."""
        await self._ready()
        with self._pinned() as scopes:
            return await queries.search(scopes, storable(query), limit)

    async def docsets(self) -> list[DocsetInfo]:
        """Every docset served, in precedence order (the docset filter does not apply)."""
        await self._ready()
        return [docset for database in self._databases for docset in database.info.docsets]

    async def databases(self) -> list[DatabaseInfo]:
        """Every database served, in precedence order, with its load facts."""
        await self._ready()
        return [database.info for database in self._databases]

    # -- hot reload ----------------------------------------------------------------------

    async def watch(self, interval: float = 1.0) -> None:
        """Poll the files every ``interval`` seconds and reload the ones that changed; run
        it as a background task and cancel it to stop."""
        await self._ready()
        while True:
            await asyncio.sleep(interval)
            try:
                await self.reload()
            except Exception:
                log.exception("reloading the documentation failed")

    async def reload(self) -> None:
        """Load every changed file beside its old copy, swap, then release the old copy
        once its in-flight queries are done. A replacement that cannot be served is
        refused (reload_failed) and the old copy keeps serving."""
        await self._ready()
        if self._reload_lock is None:
            self._reload_lock = asyncio.Lock()
        async with self._reload_lock:
            for index, current in enumerate(list(self._databases)):
                await self._reload_one(index, current)

    async def _reload_one(self, index: int, current: LoadedDatabase) -> None:
        path = current.path
        try:
            signature = await asyncio.to_thread(FileSignature.of, path)
        except OSError as error:
            if path not in self._refused or self._refused[path] is not None:
                self._refuse(path, None, f"{path}: {error.strerror}; still serving the old copy")
            return
        if signature == current.snapshot.signature:
            self._refused.pop(path, None)
            return
        if path in self._refused and self._refused[path] == signature:
            return
        try:
            replacement = await self._open(path)
        except Exception as error:
            self._refuse(path, signature, f"{error}; still serving the old copy")
            return
        self._refused.pop(path, None)
        if self._state != "ready" or self._databases[index] is not current:
            await replacement.release()  # closed or swapped meanwhile
            return
        self._databases[index] = replacement
        self._rebuild_scopes()
        await current.release()
        self._notify("reloaded", path, _describe(replacement.info))

    def _refuse(self, path: Path, signature: FileSignature | None, message: str) -> None:
        self._refused[path] = signature
        log.warning("not reloading %s", message)
        self._notify("reload_failed", path, message)


def _describe(info: DatabaseInfo) -> str:
    entries = sum(docset.entry_count for docset in info.docsets)
    return (
        f"{info.path}: {len(info.docsets)} docset(s), {entries} entries, "
        f"{info.size_bytes / (1 << 20):.1f} MiB {info.mode}, "
        f"loaded in {info.load_seconds * 1e3:.0f} ms"
    )
