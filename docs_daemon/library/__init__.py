"""The user's docset library: where docsets live, and ``add`` / ``update`` / ``remove``.

The API is async and prints nothing, so the CLI and the language server share it:
progress arrives through a callback, failures as :class:`LibraryError` with a one-line
message, and nothing installed is lost when an operation fails.
"""

from __future__ import annotations

from docs_daemon.library.add import (
    PYTHON_DOCS_URL,
    AddResult,
    add_distribution,
    add_python_docs,
    python_name,
)
from docs_daemon.library.catalog import InstalledDocset, Library, default_root
from docs_daemon.library.errors import FetchError, LibraryError, NoOfficialDocsError
from docs_daemon.library.fetcher import FetchPolicy
from docs_daemon.library.progress import ProgressCallback, ProgressEvent

__all__ = [
    "PYTHON_DOCS_URL",
    "AddResult",
    "FetchError",
    "FetchPolicy",
    "InstalledDocset",
    "Library",
    "LibraryError",
    "NoOfficialDocsError",
    "ProgressCallback",
    "ProgressEvent",
    "add_distribution",
    "add_python_docs",
    "default_root",
    "python_name",
]
