"""Reading the client's documents for a request: the cursor in code points, the imports.

Each request reads the document as it was when the request arrived (``OpenDocuments.get``).
Small documents are analysed inline, where it costs microseconds. A big document (a generated
file, a minified blob, a 50 MB paste) is split and analysed in a worker thread, so the event
loop keeps answering every other request meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from lsprotocol import types

from docs_daemon.documents import OpenDocuments, Snapshot
from docs_daemon.python_source import Imports, parse_imports

T = TypeVar("T")

#: Documents at least this long (characters) are analysed off the event loop.
BIG_DOCUMENT = 512 * 1024
#: Lines at least this long are analysed off the event loop too.
LONG_LINE = 16 * 1024


@dataclass(frozen=True, slots=True)
class Cursor:
    """A request's document and position, converted from client units to code points.

    ``lines`` are the document's LSP lines without their ends, the lines ``python_source``
    indexes; ``line``/``column`` index into them.
    """

    document: Snapshot
    lines: Sequence[str]
    line: int
    column: int

    @property
    def source(self) -> str:
        """The document's text, exactly the client's."""
        return self.document.text

    @property
    def is_big(self) -> bool:
        return self.document.length >= BIG_DOCUMENT or len(self.lines[self.line]) >= LONG_LINE

    def client_range(self, line: int, start: int, end: int) -> types.Range:
        """A code-point range on one line, converted back into the client's units."""
        return self.document.client_range(line, start, end)


class DocumentReader:
    """Cursors into the open documents; what is derived from a document's text (its import
    scan) is kept on that document's snapshot, so it is computed once per version."""

    def __init__(self, documents: OpenDocuments) -> None:
        self.documents = documents

    async def cursor(self, uri: str, position: types.Position) -> Cursor | None:
        """The cursor; ``None`` for unknown documents or lines past the end."""
        document = self.documents.get(uri)
        if document is None or position.line < 0 or position.character < 0:
            return None
        if not document.is_split and document.length >= BIG_DOCUMENT:
            await asyncio.to_thread(lambda: document.raw_lines)
        lines = document.lines
        if position.line >= len(lines):
            return None
        line, column = document.clamp(position)
        return Cursor(document, lines, line, column)

    def imports(self, cursor: Cursor) -> Imports:
        return cursor.document.derive(parse_imports)

    async def analyse(self, cursor: Cursor, function: Callable[[str, int, int, Imports], T]) -> T:
        """Run one of the ``python_source`` functions at the cursor, off the loop when big."""

        def work() -> T:
            return function(cursor.source, cursor.line, cursor.column, self.imports(cursor))

        return await asyncio.to_thread(work) if cursor.is_big else work()

    async def analyse_at(
        self,
        uri: str,
        position: types.Position,
        function: Callable[[str, int, int, Imports], T | None],
    ) -> tuple[Cursor, T] | None:
        """The cursor and ``function``'s answer there; ``None`` when either is missing."""
        cursor = await self.cursor(uri, position)
        if cursor is None:
            return None
        result = await self.analyse(cursor, function)
        return None if result is None else (cursor, result)
