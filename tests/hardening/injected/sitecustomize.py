"""Faults injected into a server process at start-up, to show each hardening test can fail.

Python imports ``sitecustomize`` from ``PYTHONPATH`` before running the server; when
``DOCS_DAEMON_INJECT`` names a fault below, the matching part of docs-daemon is replaced with
a plausible bug. Nothing here runs in normal test runs (``mutants.py`` sets both variables).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

FAULT = os.environ.get("DOCS_DAEMON_INJECT", "")


def _inject() -> None:
    if not FAULT:
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    import docs_daemon.server as server

    if FAULT == "leak":
        from docs_daemon.features import hover

        original = hover.hover
        kept: list[bytes] = []

        async def leaking(ls: Any, params: Any) -> Any:
            kept.append(bytes(64 * 1024))  # a cache that is never trimmed
            return await original(ls, params)

        hover.hover = leaking
    elif FAULT == "past-the-end":
        from docs_daemon.features.documents import DocumentReader

        def cursor(self: Any, uri: str, position: Any) -> Any:
            document = self.documents.get(uri)
            if document is None:
                return None
            line = document.lines[position.line]  # no bounds check
            return original_cursor(self, uri, position) if line is not None else None

        original_cursor = DocumentReader.cursor
        setattr(DocumentReader, "cursor", cursor)  # noqa: B010
    elif FAULT == "reload-without-checks":
        original_start = server.DocsServer.start_store

        def start_store(self: Any) -> None:
            original_start(self)
            if getattr(self, "_injected_watch", False):
                return
            self._injected_watch = True

            async def watch() -> None:
                import asyncio

                paths = self.database_paths()
                seen = [p.stat().st_mtime_ns if p.exists() else None for p in paths]
                while True:
                    await asyncio.sleep(0.3)
                    now = [p.stat().st_mtime_ns if p.exists() else None for p in paths]
                    if now != seen:
                        seen = now
                        self.start_store()  # swaps in whatever the file now is, unchecked

            self.spawn(watch())

        setattr(server.DocsServer, "start_store", start_store)  # noqa: B010
    elif FAULT == "ignore-parent":

        async def never(pid: int) -> None:
            return None

        server._watch_parent = never
    elif FAULT == "bind-everywhere":
        original_tcp = server.DocsServer.start_tcp

        def start_tcp(self: Any, host: str, port: int) -> None:
            original_tcp(self, "0.0.0.0", port)

        setattr(server.DocsServer, "start_tcp", start_tcp)  # noqa: B010
    elif FAULT == "page-escape":
        from docs_daemon.pages import PageCache

        def path_for(self: Any, docset: str, qualname: str) -> Path:
            return Path(self.root) / "pages" / docset / f"{qualname[:150]}.md"  # unsanitised

        setattr(PageCache, "path_for", path_for)  # noqa: B010


_inject()
