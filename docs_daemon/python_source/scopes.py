"""Where a ``def`` or ``class`` body begins and ends, from indentation: which bindings a line sees.

A name bound in one function is not bound in another: ``bytes = self.read()`` in one method
leaves ``bytes`` the builtin in the rest of the file. Python's rule, as far as the text can
tell it: a line sees the bindings of the module, of each function around it, and of a class
body only when it is in that body itself (a method does not see its class's names).

Blocks are read from the headers' indentation, which tolerates code being edited: a broken
line elsewhere shifts nothing. Computed once per document version, only when a question
needs it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from docs_daemon.python_source.document import Document

_HEADER = re.compile(r"[ \t]*(?:async[ \t]+)?(def|class)\b")
_CODE_START = re.compile(r"[ \t]*(?=[^\s#])")


@dataclass(frozen=True, slots=True)
class Block:
    """A ``def`` or ``class``: its header line and keyword column, and its body's first line
    and the line after its last."""

    kind: str
    header: int
    column: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Blocks:
    """Every body of a document, by header line."""

    blocks: tuple[Block, ...]

    def around(self, line: int) -> tuple[Block, ...]:
        """The bodies containing ``line``, outermost first."""
        return tuple(block for block in self.blocks if block.start <= line < block.end)

    def scope_of_site(self, line: int, column: int) -> Block | None:
        """The body a binding at ``line``/``column`` belongs to (None: the module). A
        ``def``'s parameters belong to its body, its name to the body around it."""
        inside = list(self.around(line))
        inside += [
            block
            for block in self.blocks
            if block.header <= line < block.start and (line > block.header or column > block.column)
        ]
        return max(inside, key=lambda block: (block.start, block.header), default=None)

    def sees(self, line: int, column: int, here: int) -> bool:
        """Whether a binding at ``line``/``column`` is visible on line ``here`` (a line of
        a ``def``'s header, where its parameters are, counts as inside it)."""
        scope = self.scope_of_site(line, column)
        if scope is None:
            return True  # module level: seen everywhere
        around = self.around(here) + tuple(
            block for block in self.blocks if block.header <= here < block.start
        )
        around = tuple(sorted(set(around), key=lambda block: (block.start, block.header)))
        if scope.kind == "class":
            return bool(around) and around[-1] == scope
        return scope in around


def _indent(text: str) -> int | None:
    match = _CODE_START.match(text)
    return None if match is None else len(match.group().expandtabs(8))


def blocks_of(document: Document) -> Blocks:
    """The document's ``def``/``class`` bodies (callers keep the result per version)."""
    lines = document.lines
    indents: list[int | None] = [
        None if document.open_string(number) is not None else _indent(text)
        for number, text in enumerate(lines)
    ]
    found = []
    for number, text in enumerate(lines):
        header = _HEADER.match(text)
        indent = indents[number]
        if header is None or indent is None:
            continue
        start = _body_start(document, number)
        end = start
        while end < len(lines):
            inner = indents[end]
            if inner is not None and inner <= indent:
                break
            end += 1
        found.append(Block(header.group(1), number, indent, start, max(end, start)))
    return Blocks(tuple(found))


def _body_start(document: Document, header: int) -> int:
    """The line after the header's ``:`` (a parameter list may run over several lines)."""
    depth = 0
    for number in range(header, min(len(document.lines), header + 200)):
        for token in document.tokens(number):
            if token.kind != "op":
                continue
            if token.text in "([{":
                depth += 1
            elif token.text in ")]}":
                depth = max(0, depth - 1)
            elif token.text == ":" and depth == 0:
                return number + 1
    return header + 1


def position_of(document: Document, offset: int) -> tuple[int, int]:
    """The line and column of an offset of ``document.text``."""
    line = bisect_right(document.line_starts, offset) - 1
    return line, offset - document.line_starts[line]
