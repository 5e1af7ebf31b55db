"""Disk file -> verified copy in a process-shared memory database (or a read-only disk fallback).

Runs in a worker thread: the copy is synchronous SQLite work that must never delay the
event loop. The memory copy lives in SQLite's memdb VFS under a unique name
(``file:/docs-daemon-<uuid>?vfs=memdb``; the leading slash shares it between connections of
this process) and exists only while a connection to it is open, so the snapshot keeps one
raw "holder" connection that the store closes when it stops serving this copy.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from docs_daemon.schema import SCHEMA_VERSION, ForeignFileError, OtherVersionError, identify
from docs_daemon.store import statements
from docs_daemon.store.errors import StoreError
from docs_daemon.store.statements import CountRow
from docs_daemon.store.vocabulary import Vocabulary, read_vocabulary

log = logging.getLogger(__name__)

#: memdb refuses to grow a database past 1 GiB unless raised through a file control that
#: Python's sqlite3 does not expose; bigger files are served from disk.
MEMDB_MAX_BYTES = 1 << 30

#: ``PRAGMA quick_check`` reads every page (~5 s for a 640 MiB copy here); past this size a
#: copy only gets the cheap checks: schema, meta, and that no page is missing.
FULL_CHECK_MAX_BYTES = 64 << 20


@dataclass(frozen=True, slots=True)
class FileSignature:
    """What tells a rebuilt file from the one loaded: a new inode (atomic replace), a new
    modification time or a new size."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: Path) -> FileSignature:
        stat = path.stat()
        return cls(stat.st_ino, stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A verified copy of one database file, ready for pooled connections to open."""

    path: Path
    signature: FileSignature
    mode: Literal["memory", "disk"]
    #: What every pooled connection opens: the memdb name, or the disk file read-only.
    uri: str
    #: Keeps the memdb copy alive; None in disk mode.
    holder: sqlite3.Connection | None
    meta: dict[str, str]
    copy_seconds: float
    #: What the file can answer, so queries skip databases that cannot; None (could answer
    #: anything) for files too big to read it all at load time.
    vocabulary: Vocabulary | None


def file_uri(path: Path, **query: str) -> str:
    """A SQLite ``file:`` URI for ``path``, percent-encoded so spaces, ``?``, ``#``, ``%`` and
    non-ASCII characters stay part of the name instead of starting a query or fragment."""
    uri = "file:" + quote(path.resolve().as_posix(), safe="/")
    if query:
        uri += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return uri


def memdb_uri() -> str:
    """A fresh process-shared memdb name: two loads (even of the same file) never collide."""
    return f"file:/docs-daemon-{uuid.uuid4().hex}?vfs=memdb"


def take_snapshot(path: Path, memory_limit: int) -> Snapshot:
    """Copy ``path`` into memory (or, past ``memory_limit``, prepare disk access) and verify
    it is a docs-daemon database of the schema version this code reads."""
    try:
        signature = FileSignature.of(path)
    except OSError as error:
        raise StoreError(f"{path}: cannot read the database: {error.strerror}") from error
    limit = min(memory_limit, MEMDB_MAX_BYTES)
    if signature.size > limit:
        log.warning(
            "%s is %d MiB, over the in-memory limit of %d MiB: serving it from disk "
            "(read-only, memory-mapped)",
            path,
            signature.size >> 20,
            limit >> 20,
        )
        return _disk_snapshot(path, signature)
    started = time.perf_counter()
    uri = memdb_uri()
    holder = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        try:
            source = sqlite3.connect(file_uri(path, mode="ro"), uri=True)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open the database: {error}") from error
        try:
            source.backup(holder)
        except sqlite3.OperationalError as error:
            if "full" not in str(error):
                raise StoreError(f"{path}: cannot copy the database: {error}") from error
            log.warning("%s does not fit in memory (%s): serving it from disk", path, error)
            holder.close()
            return _disk_snapshot(path, signature)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: not a readable SQLite database: {error}") from error
        finally:
            source.close()
        # The holder only keeps the copy alive: the pages verification reads need not stay
        # cached beside the copy itself (2 MiB per database by default).
        holder.execute(statements.cache_size(0))
        small = signature.size <= FULL_CHECK_MAX_BYTES
        facts = verify(holder, path, full_check=small)
        vocabulary = read_vocabulary(holder) if small else None
        holder.execute(statements.QUERY_ONLY)
    except BaseException:
        holder.close()
        raise
    elapsed = time.perf_counter() - started
    return Snapshot(path, signature, "memory", uri, holder, facts, elapsed, vocabulary)


def _disk_snapshot(path: Path, signature: FileSignature) -> Snapshot:
    started = time.perf_counter()
    uri = file_uri(path, mode="ro", immutable="1")
    try:
        probe = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open the database: {error}") from error
    try:
        # A full integrity check would read the whole (big) file: only the header and schema.
        facts = verify(probe, path, full_check=False)
    finally:
        probe.close()
    elapsed = time.perf_counter() - started
    return Snapshot(path, signature, "disk", uri, None, facts, elapsed, None)


def verify(connection: sqlite3.Connection, path: Path, *, full_check: bool) -> dict[str, str]:
    """Check that this is a docs-daemon database of the schema version this code reads
    (``schema.identify``), then page integrity (every page with ``full_check``, else that
    nothing is missing); return the ``meta`` facts. Raises StoreError naming the file."""
    try:
        facts = identify(connection)
    except OtherVersionError as error:
        raise StoreError(
            f"{path}: schema version {error.found}, but this docs-daemon reads version "
            f"{SCHEMA_VERSION}; rebuild it with `docs-daemon build`"
        ) from error
    except ForeignFileError as error:
        raise StoreError(f"{path}: not a docs-daemon database ({error})") from error
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: not a readable SQLite database: {error}") from error
    try:
        if full_check:
            problems = [row[0] for row in connection.execute(statements.QUICK_CHECK)]
            if problems != ["ok"]:
                raise StoreError(f"{path}: the database is damaged: {problems[0]}")
        else:
            _check_complete(connection, path)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: the database is damaged: {error}") from error
    return facts


def _count(connection: sqlite3.Connection, statement: statements.Compiled[CountRow]) -> int:
    (row,) = statement.rows(connection.execute(statement.sql, statement.defaults).fetchall())
    return row.total


def _check_complete(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a truncated file without reading every page: its last page must be readable
    and the entry count must be what the docsets table says was written."""
    (pages,) = connection.execute(statements.PAGE_COUNT).fetchone()
    declared = _count(connection, statements.DECLARED_ENTRIES)
    counted = _count(connection, statements.COUNTED_ENTRIES)
    if pages < 1 or declared != counted:
        raise StoreError(
            f"{path}: the database is incomplete ({counted} entries, docsets declare {declared})"
        )
