"""One version of an open document, exactly as the client holds it, split into LSP lines.

LSP ends lines at ``\\n``, ``\\r\\n`` and ``\\r`` only; Python's ``str.splitlines`` also ends
them at form feeds, U+2028 and five more, which would put every position below such a
character on the wrong line. A snapshot never changes: an edit makes a new one, splicing the
lines it touches (a keystroke in a 5,000-line file does not re-split the file), and
everything derived from a snapshot's text is computed at most once per snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast, overload

from lsprotocol import types

from docs_daemon.documents.units import Encoding, to_index, to_units

T = TypeVar("T")

#: Characters ``str.splitlines`` ends a line at and LSP does not.
_PYTHON_ONLY_LINE_ENDS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_SURROGATE = re.compile("[\ud800-\udfff]")


def split_lines(text: str) -> tuple[str, ...]:
    """LSP lines, each with its line end; the last line (maybe empty) has none."""
    pieces = text.splitlines(True)
    if any(character in text for character in _PYTHON_ONLY_LINE_ENDS):
        pieces = _join_python_only_breaks(pieces)
    if not pieces or pieces[-1].endswith(("\n", "\r")):
        pieces.append("")
    return tuple(pieces)


def _join_python_only_breaks(pieces: list[str]) -> list[str]:
    joined: list[str] = []
    pending = ""
    for piece in pieces:
        if piece.endswith(("\n", "\r")):
            joined.append(pending + piece)
            pending = ""
        else:
            pending += piece
    if pending:
        joined.append(pending)
    return joined


def _content(line: str) -> str:
    """A line without its line end."""
    if line.endswith("\n"):
        return line[:-2] if line.endswith("\r\n") else line[:-1]
    return line[:-1] if line.endswith("\r") else line


def _paired(text: str, encoding: Encoding) -> str:
    """Surrogate halves inserted by separate edits, joined into the one character a UTF-16
    client sees (in UTF-8 or UTF-32 they stay two code points, as in the client)."""
    if encoding != "utf-16" or _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class Lines(Sequence[str]):
    """A snapshot's lines without their line ends, cut on access (no pass over the file)."""

    __slots__ = ("_raw",)

    def __init__(self, raw: tuple[str, ...]) -> None:
        self._raw = raw

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [_content(line) for line in self._raw[index]]
        return _content(self._raw[index])


class Snapshot:
    """An open document at one revision: its text, its LSP lines, and the client's units.

    ``revision`` is the server's own counter, unique across every document ever opened: the
    client's version number can repeat (a document reopened, a client's bug) and is only
    kept to be reported.
    """

    __slots__ = ("_derived", "_raw", "_text", "encoding", "length", "revision", "uri", "version")

    def __init__(
        self,
        uri: str,
        version: int | None,
        revision: int,
        encoding: Encoding,
        *,
        text: str | None = None,
        raw: tuple[str, ...] | None = None,
        length: int | None = None,
    ) -> None:
        self.uri = uri
        self.version = version
        self.revision = revision
        self.encoding: Encoding = encoding
        self._text = text
        self._raw = raw
        if length is None:
            length = len(text) if text is not None else sum(map(len, raw or ()))
        self.length = length
        self._derived: dict[Callable[[str], Any], Any] = {}

    def __repr__(self) -> str:
        return f"<Snapshot {self.uri} v{self.version} r{self.revision} {self.length} chars>"

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self.raw_lines)
        return self._text

    @property
    def raw_lines(self) -> tuple[str, ...]:
        """The lines with their line ends (split on first use, then kept)."""
        if self._raw is None:
            self._raw = split_lines(self.text)
        return self._raw

    @property
    def is_split(self) -> bool:
        return self._raw is not None

    @property
    def lines(self) -> Lines:
        return Lines(self.raw_lines)

    def derive(self, function: Callable[[str], T]) -> T:
        """``function(text)``, computed once for this snapshot."""
        try:
            return cast(T, self._derived[function])
        except KeyError:
            value = self._derived[function] = function(self.text)
            return value

    # -- positions -------------------------------------------------------------------------

    def clamp(self, position: types.Position) -> tuple[int, int]:
        """A client position as (line, code point index), clamped as the protocol says: a
        character past the line end means the line end, a line past the end the document end."""
        raw = self.raw_lines
        if position.line >= len(raw):
            last = len(raw) - 1
            return last, len(_content(raw[last]))
        line = _content(raw[position.line])
        return position.line, to_index(line, position.character, self.encoding)

    def client_position(self, line: int, index: int) -> types.Position:
        return types.Position(
            line=line, character=to_units(_content(self.raw_lines[line]), index, self.encoding)
        )

    def client_range(self, line: int, start: int, end: int) -> types.Range:
        """A code point range on one line, in the client's units."""
        return types.Range(
            start=self.client_position(line, start), end=self.client_position(line, end)
        )

    # -- edits -----------------------------------------------------------------------------

    def edited(
        self,
        changes: Iterable[types.TextDocumentContentChangeEvent],
        version: int | None,
        revision: int,
    ) -> Snapshot:
        """The document after ``changes``, each applied to the result of the one before."""
        text: str | None = self._text
        raw: tuple[str, ...] | None = self._raw
        length = self.length
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                current = Snapshot(
                    self.uri, version, revision, self.encoding, text=text, raw=raw, length=length
                )
                raw, length = current._splice(change.range, change.text)
                text = None
            else:
                text, raw, length = change.text, None, len(change.text)
        return Snapshot(
            self.uri, version, revision, self.encoding, text=text, raw=raw, length=length
        )

    def _splice(self, edit: types.Range, new_text: str) -> tuple[tuple[str, ...], int]:
        """The lines after replacing ``edit`` by ``new_text``, and the new length; only the
        lines the edit touches are joined and split again."""
        start, end = self.clamp(edit.start), self.clamp(edit.end)
        if end < start:  # a reversed range: the client means the same text
            start, end = end, start
        raw = self.raw_lines
        first = start[0]
        if first and raw[first - 1].endswith("\r"):
            first -= 1  # an inserted "\n" after this "\r" makes one line end of the two
        before = "".join(raw[first : start[0]]) + raw[start[0]][: start[1]]
        old = raw[first : end[0] + 1]
        region = _paired(before + new_text + raw[end[0]][end[1] :], self.encoding)
        lines = split_lines(region)
        if end[0] < len(raw) - 1:
            lines = lines[:-1]  # the region ends with a line end: no line begins after it
        spliced = raw[:first] + lines + raw[end[0] + 1 :]
        return spliced, self.length - sum(map(len, old)) + len(region)
