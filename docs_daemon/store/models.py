"""Typed results of store queries: what the rest of the daemon sees instead of rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docs_daemon.vocabulary import Kind


@dataclass(frozen=True, slots=True)
class EntryBrief:
    """An entry without its (long) body: enough for completion lists and search results."""

    docset: str
    qualname: str
    name: str
    kind: Kind
    parent: str | None
    signature: str
    summary: str
    url: str
    #: The docset's origin: ``official`` (published docs) or ``docstrings`` (read from an
    #: installed package's source), for features that say where an answer comes from.
    origin: str = field(default="official", kw_only=True)


@dataclass(frozen=True, slots=True)
class Entry(EntryBrief):
    """A whole entry, body included: what hover and documentation pages render."""

    body: str


@dataclass(frozen=True, slots=True)
class DocsetInfo:
    """One loaded docset, for ``docs-daemon info``, the server's status and editor UIs."""

    name: str
    version: str
    base_url: str
    source: str
    built_at: str
    entry_count: int
    database: str
    #: ``official`` or ``docstrings`` (see ``schema.docsets``).
    origin: str = "official"
    #: The normalised distribution name; ``""`` for the standard library.
    distribution: str = ""
    #: A digest of what the docset was built from; ``""`` when unknown.
    source_digest: str = ""


#: What happened to a database: ``loaded`` (served from now on), ``reloaded`` (a rebuilt file
#: swapped in), ``reload_failed`` (a rebuilt file refused; the old copy serves),
#: ``load_failed`` (this file cannot be served; the others are), ``unloaded``, and ``failed``
#: (nothing could be loaded at start: the store cannot answer).
StoreEventKind = Literal["loaded", "reloaded", "reload_failed", "load_failed", "unloaded", "failed"]


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """Told to store listeners so the server can log and show status without polling."""

    kind: StoreEventKind
    database: Path
    message: str


class Precedence(enum.IntEnum):
    """Which databases answer first: lower first; within one level, the order of loading.

    The user's explicit choice beats what the daemon picked for the open documents, which
    beats the standard library docs every project shares (so a project's or a third-party
    docset's ``json`` would answer before the stdlib's).
    """

    #: ``--db`` and the ``databases`` setting.
    CONFIGURED = 0
    #: Third-party docsets loaded because a document needs them.
    DOCSET = 1
    #: The standard library docs (the bundled database).
    STDLIB = 2


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """A database file the store was asked to serve, and how that went."""

    path: Path
    precedence: Precedence
    #: ``loading`` (the first copy is being made), ``serving``, or ``failed`` (``error`` says
    #: why; a rebuilt file is tried again by ``reload``/``watch``).
    status: Literal["loading", "serving", "failed"]
    error: str | None
    #: Load facts of the copy being served; None until one is.
    info: DatabaseInfo | None


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """One loaded database file: where it is served from and what it cost to load."""

    path: Path
    #: ``memory`` (copied into the memdb VFS) or ``disk`` (read-only mmap fallback).
    mode: Literal["memory", "disk"]
    #: The SQLite URI every pooled connection opens (a process-local memdb name in memory mode).
    uri: str
    size_bytes: int
    load_seconds: float
    schema_version: str
    built_at: str
    builder_version: str
    docsets: tuple[DocsetInfo, ...]
