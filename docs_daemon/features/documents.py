"""Reading the client's documents: text, imports (cached per version) and position conversion."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from docs_daemon.python_source import Imports, parse_imports


@dataclass(frozen=True, slots=True)
class Cursor:
    """A request's document and position, converted from client units to code points."""

    document: TextDocument
    source: str
    line: int
    column: int

    def client_range(self, line: int, start: int, end: int) -> types.Range:
        """A code-point range on one line, converted back into the client's units."""
        codec = self.document.position_codec
        lines = self.document.lines
        return codec.range_to_client_units(
            lines,
            types.Range(
                start=types.Position(line=line, character=start),
                end=types.Position(line=line, character=end),
            ),
        )


class DocumentReader:
    """Keeps parsed imports per document version so a hover never re-parses an unchanged file."""

    def __init__(self) -> None:
        self._imports: dict[str, tuple[int | None, int, Imports]] = {}

    def cursor(self, workspace: Workspace, uri: str, position: types.Position) -> Cursor | None:
        """The cursor; ``None`` for unknown documents or positions past the end."""
        document = workspace.text_documents.get(uri)
        if document is None:
            return None
        lines = document.lines
        if position.line < 0 or position.line >= len(lines) or position.character < 0:
            return None
        converted = document.position_codec.position_from_client_units(lines, position)
        line_text = lines[converted.line].rstrip("\r\n")
        column = min(converted.character, len(line_text))
        return Cursor(document, document.source, converted.line, column)

    def imports(self, cursor: Cursor) -> Imports:
        uri = cursor.document.uri
        key = (cursor.document.version, len(cursor.source))
        cached = self._imports.get(uri)
        if cached is not None and (cached[0], cached[1]) == key:
            return cached[2]
        imports = parse_imports(cursor.source)
        self._imports[uri] = (key[0], key[1], imports)
        return imports

    def forget(self, uri: str) -> None:
        self._imports.pop(uri, None)
