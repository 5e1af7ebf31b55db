"""The naive design the project started from, as a small server to measure against.

Same cursor analysis (``docs_daemon.python_source``) and rendering (``docs_daemon.render``) as
docs-daemon, so only the storage differs: the file is copied with the synchronous ``sqlite3``
backup API into a shared-cache ``mode=memory`` database while ``initialize`` waits, and every
request opens an ``AsyncSession`` on the async engine SQLAlchemy builds for that URL (it picks
``StaticPool``: one connection shared by all sessions). One fix is applied so it works at all: a
raw connection holds the memory database open for the server's lifetime.

Run: ``python benchmarks/naive_server.py [--db PATH]`` (stdio).
"""

from __future__ import annotations

import argparse
import sqlite3
import uuid
import warnings
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from sqlalchemy import column, select, table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from docs_daemon.python_source.imports import parse_imports
from docs_daemon.python_source.target import target_at
from docs_daemon.render import hover_markdown
from docs_daemon.schema import FTS_TABLE, Kind, docsets, entries
from docs_daemon.store.models import Entry

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "python-3.11.sqlite"
HOVER_LIMIT = 4000
SEARCH_LIMIT = 50
FTS = table(FTS_TABLE, column("rowid"), column(FTS_TABLE), column("rank"))


class NaiveStore:
    """Shared-cache memory copy + ``AsyncSession`` per request: the design of the starting point."""

    def __init__(self, path: Path) -> None:
        url = f"file:naive-{uuid.uuid4().hex}?mode=memory&cache=shared"
        self.holder = sqlite3.connect(url, uri=True, check_same_thread=False)
        source = sqlite3.connect(path)
        try:
            source.backup(self.holder)
        finally:
            source.close()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SQLAlchemy warns that StaticPool is deprecated here
            self.engine: AsyncEngine = create_async_engine(f"sqlite+aiosqlite:///{url}&uri=true")

    async def lookup_first(self, qualnames: tuple[str, ...]) -> Entry | None:
        async with AsyncSession(self.engine) as session:
            statement = (
                select(entries, docsets.c.name.label("docset_name"))
                .join(docsets, docsets.c.id == entries.c.docset_id)
                .where(entries.c.qualname.in_(qualnames))
            )
            rows = (await session.execute(statement)).mappings().all()
        by_name = {row["qualname"]: row for row in rows}
        for qualname in qualnames:
            row = by_name.get(qualname)
            if row is not None:
                return Entry(
                    docset=row["docset_name"],
                    qualname=row["qualname"],
                    name=row["name"],
                    kind=Kind(row["kind"]),
                    parent=row["parent"],
                    signature=row["signature"],
                    summary=row["summary"],
                    url=row["url"],
                    body=row["body"],
                )
        return None

    async def search(self, query: str) -> list[dict[str, Any]]:
        words = [word for word in query.replace('"', " ").split() if word]
        if not words:
            return []
        match = " ".join(f'"{word}"*' for word in words)
        async with AsyncSession(self.engine) as session:
            result = await session.execute(
                select(entries.c.qualname, entries.c.name, entries.c.kind, entries.c.url)
                .join_from(entries, FTS, entries.c.id == FTS.c.rowid)
                .where(FTS.c.entries_fts.op("MATCH")(match))
                .order_by(FTS.c.rank)
                .limit(SEARCH_LIMIT)
            )
            return [dict(row) for row in result.mappings()]


def create_server(database: Path) -> LanguageServer:
    server = LanguageServer("naive-docs-server", "0")
    state: dict[str, NaiveStore] = {}

    @server.feature(types.INITIALIZE)
    def initialize(ls: LanguageServer, params: types.InitializeParams) -> None:
        state["store"] = NaiveStore(database)  # synchronous: initialize waits for the copy

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        source = document.source
        position = params.position
        target = target_at(source, position.line, position.character, parse_imports(source))
        if target is None or not target.candidates:
            return None
        entry = await state["store"].lookup_first(target.candidates)
        if entry is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=hover_markdown(entry, HOVER_LIMIT)
            )
        )

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(
        ls: LanguageServer, params: types.WorkspaceSymbolParams
    ) -> list[types.SymbolInformation]:
        hits = await state["store"].search(params.query)
        return [
            types.SymbolInformation(
                name=hit["name"],
                kind=types.SymbolKind.Function,
                location=types.Location(
                    uri=hit["url"] or "https://docs.python.org/",
                    range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                ),
                container_name=hit["qualname"].rpartition(".")[0] or None,
            )
            for hit in hits
        ]

    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    args = parser.parse_args()
    create_server(args.db).start_io()


if __name__ == "__main__":
    main()
