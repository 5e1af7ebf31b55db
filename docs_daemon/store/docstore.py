"""The store the daemon talks to: a library of databases loaded on demand, queried in
precedence order, with rebuilt files swapped in without dropping a query."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
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
    LibraryItem,
    Precedence,
    StoreEvent,
    StoreEventKind,
)
from docs_daemon.store.queries import Scope

log = logging.getLogger(__name__)

State = Literal["idle", "loading", "ready", "failed"]

#: Connections per database. Two cores give no more throughput past two, but a connection
#: busy with a broad search must leave others free for hovers (see the benchmark note).
DEFAULT_POOL_SIZE = 4
#: Connections of a third-party docset loaded on demand: one for searches, one always free
#: for hovers. Each lane is a thread and a connection (about 0.3 MiB): with ten docsets
#: loaded, two lanes instead of four kept the daemon's peak RSS 7 MiB lower.
DOCSET_POOL_SIZE = 2


def storable(text: str) -> str:
    """User text as SQLite can bind it: lone surrogates (from JSON escapes or undecodable
    command-line bytes) become "?" instead of failing the query."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


#: No file signature was recorded for a failure (the file could not even be stat'ed).
_UNSEEN = FileSignature(-1, -1, -1)


@dataclass(eq=False, slots=True)
class _Slot:
    """One path of the library: where it ranks, its served copy or why there is none."""

    path: Path
    precedence: Precedence
    #: Order of arrival, breaking ties within one precedence level.
    order: int
    database: LoadedDatabase | None = None
    error: str | None = None
    #: The file as it was when it failed or was refused: tried again only once it changes.
    refused: FileSignature | None = None
    #: The first load in flight; every ``load`` of the path waits for the same one.
    loading: asyncio.Task[LoadedDatabase] | None = None

    def item(self) -> LibraryItem:
        if self.database is not None:
            status: Literal["loading", "serving", "failed"] = "serving"
        else:
            status = "loading" if self.error is None else "failed"
        info = self.database.info if self.database is not None else None
        return LibraryItem(self.path, self.precedence, status, self.error, info)


def _key(path: Path) -> Path:
    """One slot per file however the path is spelled (relative, with ``..``)."""
    return Path(path).absolute()


class DocStore:
    """Documentation databases copied into memory and queried asynchronously.

    The databases given here are loaded by :meth:`start`: ``paths`` first, in their order,
    then ``stdlib``. More are loaded and unloaded while serving (:meth:`load`,
    :meth:`unload`); :class:`Precedence`, then the order of loading, decides which answers
    first. A file that cannot be served is reported for itself (``load_failed``) and the
    others keep serving; only when nothing at all can be served does the store fail.
    """

    def __init__(
        self,
        paths: Sequence[Path] = (),
        *,
        stdlib: Sequence[Path] = (),
        memory_limit: int = 1 << 30,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self._initial = [(Path(p), Precedence.CONFIGURED) for p in paths] + [
            (Path(p), Precedence.STDLIB) for p in stdlib
        ]
        self._memory_limit = memory_limit
        self._pool_size = max(1, pool_size)
        self._state: State = "idle"
        self._error: str | None = None
        self._slots: dict[Path, _Slot] = {}
        self._arrivals = itertools.count()
        self._scopes: tuple[Scope, ...] = ()
        self._docset_filter: frozenset[str] | None = None
        self._listeners: list[Callable[[StoreEvent], None]] = []
        self._load_task: asyncio.Task[None] | None = None
        self._reload_lock: asyncio.Lock | None = None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def error(self) -> str | None:
        """Why the store failed (state ``failed``); per-file problems are in :meth:`loaded`."""
        return self._error

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every path of the library, served or not, in precedence order."""
        return tuple(slot.path for slot in self._ordered_slots())

    async def start(self) -> None:
        """Begin loading the databases given at construction; returns at once."""
        if self._load_task is None:
            self._state = "loading"
            for path, precedence in self._initial:
                self._slot(path, precedence)
            self._load_task = asyncio.create_task(
                self._load_initial(), name="docs-daemon-store-load"
            )

    async def wait_ready(self) -> None:
        """Wait until the databases given at construction are loaded (or failed); raise
        StoreError when nothing can be served."""
        if self._state != "ready":
            await self.start()
            assert self._load_task is not None
            await asyncio.shield(self._load_task)
        if self._state == "failed":
            raise StoreError(self._error or "loading failed")

    async def _load_initial(self) -> None:
        slots = [self._slots[_key(path)] for path, _ in self._initial if _key(path) in self._slots]
        loads = (self._begin_load(slot, announce=False) for slot in slots)
        await asyncio.gather(*loads, return_exceptions=True)
        if self._scopes:
            self._state = "ready"
        else:
            errors = [slot.error for slot in slots if slot.error]
            self._error = "; ".join(errors) or "no documentation database to load"
            self._state = "failed"
            log.info("cannot load the documentation: %s", self._error)
        for slot in slots:
            if slot.database is not None:
                self._notify("loaded", slot.path, _describe(slot.database.info))
            elif slot.error is not None:
                kind: StoreEventKind = "failed" if self._state == "failed" else "load_failed"
                self._notify(kind, slot.path, slot.error)

    def _slot(self, path: Path, precedence: Precedence) -> _Slot:
        key = _key(path)
        slot = self._slots.get(key)
        if slot is None:
            slot = _Slot(Path(path), precedence, next(self._arrivals))
            self._slots[key] = slot
        elif slot.precedence != precedence:  # moved: last of its new level, as if loaded now
            slot.precedence, slot.order = precedence, next(self._arrivals)
            self._rebuild_scopes()
        return slot

    def _begin_load(self, slot: _Slot, *, announce: bool) -> asyncio.Task[LoadedDatabase]:
        """The slot's first load, started now unless one is already in flight; ``announce``
        tells listeners how it went (the start announces its databases all at once)."""
        if slot.loading is None:
            slot.loading = asyncio.create_task(self._load_slot(slot, announce))
        return slot.loading

    async def _load_slot(self, slot: _Slot, announce: bool) -> LoadedDatabase:
        try:
            try:
                signature = await asyncio.to_thread(FileSignature.of, slot.path)
            except OSError:
                signature = _UNSEEN
            try:
                database = await self._open(slot)
            except Exception as error:
                slot.error = str(error) if isinstance(error, StoreError) else f"{error!r}"
                slot.refused = signature
                log.warning("cannot load %s", slot.error)
                if announce:
                    self._notify("load_failed", slot.path, slot.error)
                raise StoreError(slot.error) from error
            if self._slots.get(_key(slot.path)) is not slot:
                await database.release()  # unloaded (or the store closed) meanwhile
                raise StoreError(f"{slot.path}: unloaded while it was loading")
            slot.database, slot.error, slot.refused = database, None, None
            self._rebuild_scopes()
            if self._state == "failed":  # nothing could be served at the start; now this can
                self._state, self._error = "ready", None
            if announce:
                self._notify("loaded", slot.path, _describe(database.info))
            return database
        finally:
            slot.loading = None

    async def _open(self, slot: _Slot) -> LoadedDatabase:
        pool_size = self._pool_size
        if slot.precedence is Precedence.DOCSET:
            pool_size = min(pool_size, DOCSET_POOL_SIZE)
        return await open_database(slot.path, memory_limit=self._memory_limit, pool_size=pool_size)

    async def load(self, path: Path, *, precedence: Precedence = Precedence.DOCSET) -> DatabaseInfo:
        """Serve ``path`` from the next query on, at ``precedence`` (a path already served
        just moves, to the end of its new precedence level). Copies the file into memory
        off the event loop; concurrent calls for one path share one copy.

        Raises StoreError naming the file when it cannot be served; the path stays in the
        library, and :meth:`reload` (or :meth:`watch`) loads it once the file changes (e.g.
        when a build of it finishes). The other databases keep serving either way.
        """
        await self.start()
        slot = self._slot(path, precedence)
        if slot.database is not None:
            return slot.database.info
        database = await asyncio.shield(self._begin_load(slot, announce=True))
        return database.info

    async def unload(self, path: Path) -> bool:
        """Stop serving ``path`` and drop it from the library: queries asked from now on do
        not see it; the copy is freed once the queries already reading it are done.
        Returns whether the path was in the library."""
        slot = self._slots.pop(_key(path), None)
        if slot is None:
            return False
        database, slot.database = slot.database, None
        if database is not None:
            self._rebuild_scopes()
            await database.release()
            self._notify("unloaded", slot.path, f"{slot.path}: no longer served")
        return True

    def loaded(self) -> list[LibraryItem]:
        """Every path of the library in precedence order, with its status and load facts."""
        return [slot.item() for slot in self._ordered_slots()]

    def _ordered_slots(self) -> list[_Slot]:
        return sorted(self._slots.values(), key=lambda slot: (slot.precedence, slot.order))

    async def close(self) -> None:
        """Stop serving: wait for in-flight queries, then free every copy."""
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._load_task
        slots, self._slots, self._scopes = list(self._slots.values()), {}, ()
        for slot in slots:
            if slot.loading is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await slot.loading
            if slot.database is not None:
                database, slot.database = slot.database, None
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
        served = [slot for slot in self._ordered_slots() if slot.database is not None]
        for precedence, slot in enumerate(served):
            database = slot.database
            assert database is not None
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
            configured = slot.precedence is Precedence.CONFIGURED
            scopes.append(Scope(database, precedence, allowed, configured))
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

    async def lookup_through_owner(self, qualname: str) -> Entry | None:
        """``qualname`` with its longest documented owner spelled as documented: a member of
        a class known by an alias (``jinja2.environment.Template.render`` ->
        ``jinja2.Template.render``; ``werkzeug.wrappers.Request.args`` -> the ``args``
        documented for ``werkzeug.Request``). None when no owner is documented under
        another name."""
        parts = qualname.split(".")
        owners = [".".join(parts[:cut]) for cut in range(len(parts) - 1, 1, -1)]
        if not owners:
            return None
        await self._ready()
        with self._pinned() as scopes:
            for owner in owners:  # the longest owner first: at most a few lookups, on misses
                entry = await queries.lookup(scopes, storable(owner))
                if entry is None:
                    continue
                if entry.qualname == owner:
                    return None  # documented under this very name: the member is not
                rest = qualname[len(owner) :]
                return await queries.lookup(scopes, storable(entry.qualname + rest))
        return None

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
        return [docset for info in await self.databases() for docset in info.docsets]

    async def databases(self) -> list[DatabaseInfo]:
        """Every database served, in precedence order, with its load facts."""
        await self._ready()
        return [slot.database.info for slot in self._ordered_slots() if slot.database]

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
        refused (reload_failed) and the old copy keeps serving. A path that failed to load
        is tried again once its file changes (or appears)."""
        await self._ready()
        if self._reload_lock is None:
            self._reload_lock = asyncio.Lock()
        async with self._reload_lock:
            for slot in self._ordered_slots():
                if slot.database is not None:
                    await self._reload_one(slot, slot.database)
                elif slot.loading is None:
                    await self._retry(slot)

    async def _retry(self, slot: _Slot) -> None:
        try:
            signature = await asyncio.to_thread(FileSignature.of, slot.path)
        except OSError:
            return  # still missing: it said so when it failed
        if signature == slot.refused:
            return
        with contextlib.suppress(StoreError):  # load() reports it as load_failed
            await self.load(slot.path, precedence=slot.precedence)

    async def _reload_one(self, slot: _Slot, current: LoadedDatabase) -> None:
        path = current.path
        try:
            signature = await asyncio.to_thread(FileSignature.of, path)
        except OSError as error:
            if slot.refused != _UNSEEN:
                self._refuse(slot, _UNSEEN, f"{path}: {error.strerror}; still serving the old copy")
            return
        if signature == current.snapshot.signature:
            slot.refused = None
            return
        if signature == slot.refused:
            return
        try:
            replacement = await self._open(slot)
        except Exception as error:
            self._refuse(slot, signature, f"{error}; still serving the old copy")
            return
        slot.refused = None
        if self._slots.get(_key(path)) is not slot or slot.database is not current:
            await replacement.release()  # unloaded, closed or swapped meanwhile
            return
        slot.database = replacement
        self._rebuild_scopes()
        await current.release()
        self._notify("reloaded", path, _describe(replacement.info))

    def _refuse(self, slot: _Slot, signature: FileSignature, message: str) -> None:
        slot.refused = signature
        log.warning("not reloading %s", message)
        self._notify("reload_failed", slot.path, message)


def _describe(info: DatabaseInfo) -> str:
    entries = sum(docset.entry_count for docset in info.docsets)
    return (
        f"{info.path}: {len(info.docsets)} docset(s), {entries} entries, "
        f"{info.size_bytes / (1 << 20):.1f} MiB {info.mode}, "
        f"loaded in {info.load_seconds * 1e3:.0f} ms"
    )
