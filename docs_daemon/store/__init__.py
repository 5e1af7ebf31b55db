"""SQLite file -> in-memory copy -> typed async queries: the store the daemon reads from."""

from docs_daemon.store.docstore import DocStore
from docs_daemon.store.errors import StoreError
from docs_daemon.store.models import (
    DatabaseInfo,
    DocsetInfo,
    Entry,
    EntryBrief,
    StoreEvent,
    StoreEventKind,
)

__all__ = [
    "DatabaseInfo",
    "DocStore",
    "DocsetInfo",
    "Entry",
    "EntryBrief",
    "StoreError",
    "StoreEvent",
    "StoreEventKind",
]
