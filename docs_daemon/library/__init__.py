"""The user's docset library: where docsets live, and ``add`` / ``update`` / ``remove``.

The API is async and prints nothing, so the CLI and the language server share it: progress
arrives through a callback, failures as :class:`LibraryError` with a one-line message, and
nothing installed is lost when an operation fails. Names are imported on first use: the
HTTP client and the builder stay out of a server's start-up until it adds something.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docs_daemon.library.add import (
        PYTHON_DOCS_URL,
        AddResult,
        add_distribution,
        add_docstrings,
        add_python_docs,
        python_name,
    )
    from docs_daemon.library.catalog import InstalledDocset, Library, default_root
    from docs_daemon.library.errors import FetchError, LibraryError, NoOfficialDocsError
    from docs_daemon.library.fetcher import FetchPolicy
    from docs_daemon.library.locate import DocsLocation, find_official_docs
    from docs_daemon.library.progress import ProgressCallback, ProgressEvent
    from docs_daemon.library.refresh import UpdateResult, update

_HOMES = {
    "PYTHON_DOCS_URL": "add",
    "AddResult": "add",
    "add_distribution": "add",
    "add_docstrings": "add",
    "add_python_docs": "add",
    "python_name": "add",
    "InstalledDocset": "catalog",
    "Library": "catalog",
    "default_root": "catalog",
    "FetchError": "errors",
    "LibraryError": "errors",
    "NoOfficialDocsError": "errors",
    "FetchPolicy": "fetcher",
    "DocsLocation": "locate",
    "find_official_docs": "locate",
    "ProgressCallback": "progress",
    "ProgressEvent": "progress",
    "UpdateResult": "refresh",
    "update": "refresh",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "PYTHON_DOCS_URL",
    "AddResult",
    "DocsLocation",
    "FetchError",
    "FetchPolicy",
    "InstalledDocset",
    "Library",
    "LibraryError",
    "NoOfficialDocsError",
    "ProgressCallback",
    "ProgressEvent",
    "UpdateResult",
    "add_distribution",
    "add_docstrings",
    "add_python_docs",
    "default_root",
    "find_official_docs",
    "python_name",
    "update",
]
