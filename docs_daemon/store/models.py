"""Typed results of store queries: what the rest of the daemon sees instead of rows."""

from __future__ import annotations

from dataclasses import dataclass

from docs_daemon.schema import Kind


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
