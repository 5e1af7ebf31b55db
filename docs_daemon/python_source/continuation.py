"""Statements that run over several physical lines: open brackets and backslashes.

Bounded backward looks only: a cursor question never reads more than a few dozen lines.
"""

from __future__ import annotations

from docs_daemon.python_source.document import Document
from docs_daemon.python_source.lexer import CLOSERS, OPENERS, Token

#: How many lines up a statement is followed.
CONTINUATION_LINES = 30

#: A line starting with one of these begins a statement: it is never inside brackets.
STATEMENT_KEYWORDS = frozenset(
    {"def", "class", "return", "import", "from", "pass", "break", "continue", "raise",
     "global", "nonlocal", "del", "assert", "with", "while", "try", "except", "finally",
     "elif"}
)  # fmt: skip


def code_tokens(document: Document, line: int) -> list[Token]:
    """A line's tokens without its comment and without a trailing line-continuation ``\\``."""
    tokens = [token for token in document.tokens(line) if token.kind != "comment"]
    if tokens and tokens[-1].kind == "other" and tokens[-1].text == "\\":
        tokens.pop()
    return tokens


def starts_statement(tokens: list[Token]) -> bool:
    """Whether the line these tokens came from begins with a statement keyword."""
    return bool(tokens) and tokens[0].kind == "name" and tokens[0].text in STATEMENT_KEYWORDS


def with_continuation(
    document: Document, tokens: list[Token], index: int
) -> tuple[list[Token], int]:
    """Prepend earlier lines while the chain at ``tokens[index]`` continues from them
    (a line that starts with ``.``, as in ``(a\\n .b)``)."""
    first_line = tokens[0].line if tokens else 0
    for _ in range(CONTINUATION_LINES):
        if not (tokens and tokens[0].is_op(".")) or first_line == 0:
            break
        first_line -= 1
        earlier = code_tokens(document, first_line)
        tokens = earlier + tokens
        index += len(earlier)
    return tokens, index


def statement_start(document: Document, line: int) -> int:
    """The first line of the statement ``line`` belongs to (``line`` itself when it starts one).

    An earlier line ``k`` is part of it when, counting from ``k``, brackets stay open (or a
    backslash continues) at the end of every line from ``k`` up to ``line``.
    """
    start = line
    # (net bracket depth change, ends with a backslash) of lines line-1, line-2, ...
    profile: list[tuple[int, bool]] = []
    for earlier in range(line - 1, max(-1, line - 1 - CONTINUATION_LINES), -1):
        raw = [token for token in document.tokens(earlier) if token.kind != "comment"]
        backslash = bool(raw) and raw[-1].kind == "other" and raw[-1].text == "\\"
        net = sum(
            1 if token.text in OPENERS else -1
            for token in raw
            if token.kind == "op" and (token.text in OPENERS or token.text in CLOSERS)
        )
        profile.append((net, backslash))
        depth = 0
        continues = True
        for net_change, continued in reversed(profile):  # from ``earlier`` down to line-1
            depth += net_change
            if depth <= 0 and not continued:
                continues = False
                break
        if continues:
            start = earlier
        if starts_statement(raw):
            break
    return start


def statement_tokens(document: Document, line: int) -> list[Token]:
    """Code tokens of the statement around ``line``, from its first line through ``line``."""
    first = statement_start(document, line)
    tokens: list[Token] = []
    for number in range(first, line):
        tokens.extend(code_tokens(document, number))
    tokens.extend(token for token in document.tokens(line) if token.kind != "comment")
    return tokens


def import_statement_tokens(document: Document, line: int) -> list[Token] | None:
    """Code tokens of the import statement ``line`` is part of, through ``line``; None if
    it is in no import statement (``from m import (a,\\n    b)`` spans lines)."""
    current = [token for token in document.tokens(line) if token.kind != "comment"]
    if _is_import(current):
        return current
    for earlier in range(line - 1, max(-1, line - 1 - CONTINUATION_LINES), -1):
        text = document.lines[earlier]
        if text.lstrip().startswith(("from ", "import ")):
            if "(" not in text and not text.rstrip().endswith("\\"):
                return None  # the nearest import above ends on its own line
            break
    else:
        return None  # the cheap common case: no import statement above at all
    statement = statement_tokens(document, line)
    return statement if _is_import(statement) else None


def _is_import(tokens: list[Token]) -> bool:
    return bool(tokens) and tokens[0].kind == "name" and tokens[0].text in ("import", "from")
