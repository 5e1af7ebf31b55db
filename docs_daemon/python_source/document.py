"""One cheap pass over a whole document, cached per text: its lines, and which of them
begin inside a string that opened on an earlier line.

Every cursor question (hover, completion, signature help) then only lexes the line or two
around the cursor; the pass itself is a single regular-expression scan, a few milliseconds
on a 5,000-line file, paid once per document version.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from docs_daemon.python_source.lexer import Token, lex_line

#: Comments and strings; starting with a character class lets the regex engine skip
#: ordinary code quickly. String prefixes are left out: only the quotes matter here.
_SKIPPED = re.compile(
    r"#[^\n]*"
    r'|"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\\n]|\\[\s\S])*"?'
    r"|'(?:[^'\\\n]|\\[\s\S])*'?"
)
#: Candidate import statements: after a newline, ``;`` or a block's ``:`` (starting with a
#: character class keeps the scan fast).
_STATEMENT = re.compile(r"[\n;:][ \t]*(?:import|from)\b")
#: Where an import statement ends: a newline not escaped and not inside parentheses.
_STATEMENT_END = re.compile(r"\\\n|[()#;\n]")


@dataclass(frozen=True, slots=True)
class Document:
    """A document's lines and the strings that run across line ends."""

    #: The newline-normalised text (``\r\n`` and ``\r`` become ``\n``, as LSP counts lines).
    text: str
    lines: list[str]
    #: Offset of each line's first character in ``text``.
    line_starts: list[int]
    #: Lines that begin inside a string opened on an earlier line -> its delimiter.
    string_lines: dict[int, str]
    #: Source text of every ``import``/``from`` statement, in order, outside strings.
    import_statements: list[str]
    #: Where each of those statements lies in ``text``: (start, end) offsets.
    import_spans: list[tuple[int, int]]

    def open_string(self, line: int) -> str | None:
        """The delimiter of a string still open where ``line`` begins, if any."""
        return self.string_lines.get(line)

    def tokens(self, line: int) -> list[Token]:
        """The tokens of one physical line (empty when out of range)."""
        if not 0 <= line < len(self.lines):
            return []
        return lex_line(self.lines[line], line, self.open_string(line))


def _normalise_newlines(source: str) -> str:
    if "\r" not in source:
        return source
    return source.replace("\r\n", "\n").replace("\r", "\n")


def _statement_text(text: str, start: int) -> tuple[str, int]:
    """The text of the import statement beginning at ``start`` (across continuations), and
    the offset where it ends."""
    depth = 0
    position = start
    pieces: list[str] = []
    while True:
        match = _STATEMENT_END.search(text, position)
        if match is None:
            pieces.append(text[position:])
            position = len(text)
            break
        pieces.append(text[position : match.start()])
        token = match.group()
        position = match.end()
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(depth - 1, 0)
        elif token == "#":
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
            continue
        elif token == "\\\n" or (token == "\n" and depth):
            pieces.append(" ")
            continue
        elif token in ";\n":
            break
        pieces.append(token)
    return "".join(pieces).strip(), position


@lru_cache(maxsize=8)
def scan(source: str) -> Document:
    """Scan a document once; repeated questions about the same text reuse the result."""
    text = _normalise_newlines(source)
    lines = text.split("\n")
    line_starts = [0, *accumulate(len(line) + 1 for line in lines[:-1])]
    string_lines: dict[int, str] = {}
    for match in _SKIPPED.finditer(text):
        body = match.group()
        if "\n" in body and body[0] != "#":
            delimiter = body[:3] if body.startswith(('"""', "'''")) else body[0]
            first = bisect_right(line_starts, match.start())
            last = bisect_left(line_starts, match.end())
            string_lines.update(dict.fromkeys(range(first, last), delimiter))
    document = Document(text, lines, line_starts, string_lines, [], [])
    statement_end = 0
    for match in _STATEMENT.finditer("\n" + text):
        start = match.start()  # in ``text``: just after the separator
        line = bisect_right(line_starts, start) - 1
        at_line_start = start == line_starts[line] and document.open_string(line) is None
        if not at_line_start and inside_string(document, line, start):
            continue
        if start < statement_end:
            continue  # a continuation line of the statement just read
        statement, statement_end = _statement_text(text, start)
        document.import_statements.append(statement)
        document.import_spans.append((start, statement_end))
    return document


def inside_string(document: Document, line: int, offset: int) -> bool:
    """Whether ``offset`` lies inside a string or comment of its line."""
    column = offset - document.line_starts[line]
    tokens = document.tokens(line)
    if document.open_string(line) is not None and tokens and column < tokens[0].end:
        return True
    return any(
        token.start < column < token.end or (token.kind == "comment" and token.start < column)
        for token in tokens
        if token.kind in ("string", "comment")
    )
