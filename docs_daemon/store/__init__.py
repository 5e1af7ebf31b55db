"""SQLite file -> in-memory copy -> typed async queries: the store the daemon reads from.

``DocStore`` is imported on first use: it brings in SQLAlchemy (~200 ms), which the language
server must not pay before answering ``initialize``. The result types and the error are light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docs_daemon.store.errors import StoreError
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

if TYPE_CHECKING:
    from docs_daemon.store.docstore import DocStore


def __getattr__(name: str) -> Any:
    if name == "DocStore":
        from docs_daemon.store.docstore import DocStore

        return DocStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DatabaseInfo",
    "DocStore",
    "DocsetInfo",
    "Entry",
    "EntryBrief",
    "LibraryItem",
    "Precedence",
    "StoreError",
    "StoreEvent",
    "StoreEventKind",
]
