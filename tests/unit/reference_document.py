"""A deliberately simple model of a document as an LSP client holds it, to test the server's
against: the text is a list of code units in the negotiated encoding (UTF-16 units as in
JavaScript, UTF-8 bytes, or code points), lines are found by walking it, edits slice it."""

from __future__ import annotations

import json

from hypothesis import strategies as st
from lsprotocol import types

from docs_daemon.documents.units import Encoding

_CODECS = {"utf-16": "utf-16-le", "utf-8": "utf-8"}
_CR, _LF = 0x0D, 0x0A


class ReferenceDocument:
    def __init__(self, text: str, encoding: str) -> None:
        self.encoding = encoding
        self.units = self._encode(text)

    def _encode(self, text: str) -> list[int]:
        if self.encoding == "utf-32":
            return [ord(c) for c in text]
        data = text.encode(_CODECS[self.encoding], "surrogatepass")
        if self.encoding == "utf-8":
            return list(data)
        return [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]

    @property
    def text(self) -> str:
        if self.encoding == "utf-32":
            return "".join(map(chr, self.units))
        if self.encoding == "utf-8":
            return bytes(self.units).decode("utf-8", "surrogatepass")
        data = b"".join(unit.to_bytes(2, "little") for unit in self.units)
        return data.decode("utf-16-le", "surrogatepass")

    def line_spans(self) -> list[tuple[int, int]]:
        """(start, end of content) of each line, in units."""
        spans = []
        start = index = 0
        while index < len(self.units):
            unit = self.units[index]
            if unit in (_CR, _LF):
                spans.append((start, index))
                if unit == _CR and index + 1 < len(self.units) and self.units[index + 1] == _LF:
                    index += 1
                start = index + 1
            index += 1
        spans.append((start, len(self.units)))
        return spans

    def lines(self) -> list[str]:
        """Each line's text, without its line end."""
        return [self._decode(self.units[a:b]) for a, b in self.line_spans()]

    def _decode(self, units: list[int]) -> str:
        return ReferenceDocument._from_units(units, self.encoding).text

    @staticmethod
    def _from_units(units: list[int], encoding: str) -> ReferenceDocument:
        document = ReferenceDocument("", encoding)
        document.units = units
        return document

    def _inside_character(self, offset: int) -> bool:
        if offset >= len(self.units):
            return False
        unit = self.units[offset]
        if self.encoding == "utf-8":
            return unit & 0xC0 == 0x80
        if self.encoding == "utf-16":
            return 0xDC00 <= unit <= 0xDFFF and 0xD800 <= self.units[offset - 1] <= 0xDBFF
        return False

    def offset(self, position: types.Position) -> int:
        """Where a position points, clamped: past the line end is the line end, past the
        last line is the document end; inside a character is that character's start."""
        spans = self.line_spans()
        if position.line >= len(spans):
            return len(self.units)
        start, end = spans[position.line]
        offset = min(start + position.character, end)
        while offset > start and self._inside_character(offset):
            offset -= 1
        return offset

    def position(self, position: types.Position) -> types.Position:
        """The position a client means, clamped as ``offset`` does, as (line, units)."""
        spans = self.line_spans()
        line = min(position.line, len(spans) - 1)
        return types.Position(line=line, character=self.offset(position) - spans[line][0])

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        if not isinstance(change, types.TextDocumentContentChangePartial):
            self.units = self._encode(change.text)
            return
        start, end = self.offset(change.range.start), self.offset(change.range.end)
        start, end = min(start, end), max(start, end)
        self.units[start:end] = self._encode(change.text)


# -- hypothesis strategies for texts and edits a client sends ------------------------------

ENCODINGS: list[Encoding] = ["utf-16", "utf-8", "utf-32"]
#: Pieces of text that end lines in one convention or another, and characters wider than
#: one unit in some encoding.
PIECES = ["a", "bc", " ", "\n", "\r", "\r\n", "\f", "\v", "\x1c", "\x85", "\u2028", "\u2029"]
PIECES += ["é", "€", "😀", "𝔘"]
LINE_ENDS = ["\n", "\r", "\r\n"]
#: Halves of surrogate pairs, which only a UTF-16 client can hold on their own.
LONE_SURROGATES = ["\ud83d", "\ude00"]


def texts(encoding: str) -> st.SearchStrategy[str]:
    """Texts as they arrive: through JSON, which joins a pair's halves sent side by side."""
    pieces = PIECES + (LONE_SURROGATES * 4 if encoding == "utf-16" else [])
    joined = st.lists(st.sampled_from(pieces + LINE_ENDS * 3), max_size=30).map("".join)
    return joined.map(lambda text: json.loads(json.dumps(text)))


def position(data: st.DataObject, reference: ReferenceDocument) -> types.Position:
    spans = reference.line_spans()
    line = data.draw(st.integers(0, len(spans) + 1))
    width = spans[line][1] - spans[line][0] if line < len(spans) else 0
    character = data.draw(
        st.one_of(st.just(0), st.just(width), st.integers(0, width + 2), st.just(2**31 - 1))
    )
    return types.Position(line=line, character=character)


def change(
    data: st.DataObject, reference: ReferenceDocument
) -> types.TextDocumentContentChangeEvent:
    text = data.draw(texts(reference.encoding), label="new text")
    if data.draw(st.integers(0, 9)) == 0:
        return types.TextDocumentContentChangeWholeDocument(text=text)
    start = position(data, reference)
    end = position(data, reference)
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=start, end=end), text=text
    )
