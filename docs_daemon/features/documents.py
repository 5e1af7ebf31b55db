"""Reading the client's documents: text, lines and imports (cached per version), positions.

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
from pygls.workspace import TextDocument, Workspace

from docs_daemon.python_source import Imports, parse_imports

T = TypeVar("T")

#: Documents at least this long (characters) are analysed off the event loop.
BIG_DOCUMENT = 512 * 1024
#: Lines at least this long are analysed off the event loop too.
LONG_LINE = 16 * 1024


@dataclass(frozen=True, slots=True)
class Cursor:
    """A request's document and position, converted from client units to code points."""

    document: TextDocument
    source: str
    lines: Sequence[str]
    line: int
    column: int

    @property
    def is_big(self) -> bool:
        return len(self.source) >= BIG_DOCUMENT or len(self.lines[self.line]) >= LONG_LINE

    def client_range(self, line: int, start: int, end: int) -> types.Range:
        """A code-point range on one line, converted back into the client's units."""
        return self.document.position_codec.range_to_client_units(
            self.lines,
            types.Range(
                start=types.Position(line=line, character=start),
                end=types.Position(line=line, character=end),
            ),
        )


class DocumentReader:
    """Keeps each open document's lines and imports per version, so nothing is re-parsed
    (or re-split) for a hover on an unchanged file."""

    def __init__(self) -> None:
        self._lines: dict[str, tuple[object, Sequence[str]]] = {}
        self._imports: dict[str, tuple[object, Imports]] = {}

    @staticmethod
    def _key(document: TextDocument, source: str) -> object:
        return (document.version, len(source), hash(source[:256]))

    async def cursor(
        self, workspace: Workspace, uri: str, position: types.Position
    ) -> Cursor | None:
        """The cursor; ``None`` for unknown documents or positions past the end."""
        document = workspace.text_documents.get(uri)
        if document is None or position.line < 0 or position.character < 0:
            return None
        source = document.source
        key = self._key(document, source)
        cached = self._lines.get(uri)
        if cached is not None and cached[0] == key:
            lines = cached[1]
        else:
            if len(source) >= BIG_DOCUMENT:
                lines = await asyncio.to_thread(source.splitlines, True)
            else:
                lines = source.splitlines(True)
            self._lines[uri] = (key, lines)
        if position.line >= len(lines):
            return None
        converted = document.position_codec.position_from_client_units(lines, position)
        line_text = lines[converted.line].rstrip("\r\n")
        column = min(converted.character, len(line_text))
        return Cursor(document, source, lines, converted.line, column)

    def imports(self, cursor: Cursor) -> Imports:
        uri = cursor.document.uri
        key = self._key(cursor.document, cursor.source)
        cached = self._imports.get(uri)
        if cached is not None and cached[0] == key:
            return cached[1]
        imports = parse_imports(cursor.source)
        self._imports[uri] = (key, imports)
        return imports

    async def analyse(self, cursor: Cursor, function: Callable[[str, int, int, Imports], T]) -> T:
        """Run one of the ``python_source`` functions at the cursor, off the loop when big."""

        def work() -> T:
            return function(cursor.source, cursor.line, cursor.column, self.imports(cursor))

        return await asyncio.to_thread(work) if cursor.is_big else work()

    async def analyse_at(
        self,
        workspace: Workspace,
        uri: str,
        position: types.Position,
        function: Callable[[str, int, int, Imports], T | None],
    ) -> tuple[Cursor, T] | None:
        """The cursor and ``function``'s answer there; ``None`` when either is missing."""
        cursor = await self.cursor(workspace, uri, position)
        if cursor is None:
            return None
        result = await self.analyse(cursor, function)
        return None if result is None else (cursor, result)

    def forget(self, uri: str) -> None:
        self._lines.pop(uri, None)
        self._imports.pop(uri, None)
