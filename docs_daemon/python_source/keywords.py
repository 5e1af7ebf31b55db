"""Which keyword the cursor is on, named as the Language Reference files it, best first.

Keywords are documented under their own name (``with``), some as pairs (``async for``,
``yield from``, ``not in``); a few are parts of a larger statement (``elif`` of ``if``,
``except`` of ``try``), so the enclosing statement follows as a fallback. Soft keywords
(``match``, ``case``, ``_``, ``type``) count only where they start a statement; elsewhere
they are ordinary names (``re.match``, ``match = 1``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docs_daemon.python_source.document import Document
from docs_daemon.python_source.expressions import HARD_KEYWORDS
from docs_daemon.python_source.lexer import Token

SOFT_KEYWORDS = frozenset({"match", "case", "_", "type"})

_FIRST_WORD = re.compile(r"\w+")

#: How far up an ``else:`` looks for the statement it belongs to.
_ELSE_LOOKBACK_LINES = 200

#: Keywords that are parts of one statement, with the statement they belong to.
_PART_OF = {"elif": "if", "except": "try", "finally": "try"}
#: Tokens after a soft keyword that show it is used as a plain name.
_NAME_FOLLOWERS = frozenset(
    {
        "=",
        ".",
        ",",
        ")",
        "]",
        "}",
        ":",
        ";",
        "+=",
        "-=",
        "*=",
        "/=",
        "//=",
        "%=",
        "@=",
        "&=",
        "|=",
        "^=",
        ">>=",
        "<<=",
        "**=",
        ":=",
    }
)


def keyword_candidates(
    tokens: Sequence[Token], index: int, document: Document | None = None
) -> tuple[str, ...] | None:
    """Candidates for the keyword at ``tokens[index]``; None when it is not a keyword there.

    ``tokens`` are the code tokens of the cursor's line (comments may be included).
    """
    word = tokens[index].text
    if tokens[index].kind != "name":
        return None
    if word in SOFT_KEYWORDS:
        return _soft_keyword(tokens, index)
    if word not in HARD_KEYWORDS:
        return None
    before = _text(tokens, index - 1)
    after = _text(tokens, index + 1)
    if word == "async" and after in ("for", "with", "def"):
        return (f"async {after}", "async")
    if word in ("for", "with", "def") and before == "async":
        return (f"async {word}", word)
    if word == "yield" and after == "from":
        return ("yield from", "yield")
    if word == "from":
        if before == "yield":
            return ("yield from", "yield")
        if index == _first_code(tokens) or before in (";", ":"):
            return ("from", "import")
        return ("from", "raise")
    if word == "not" and after == "in":
        return ("not in", "in", "not")
    if word == "not" and before == "is":
        return ("is not", "is", "not")
    if word == "is" and after == "not":
        return ("is not", "is")
    if word == "in":
        if before == "not":
            return ("not in", "in")
        if any(token.text == "for" and token.kind == "name" for token in tokens[:index]):
            return ("in", "for")
        return ("in",)
    if word in _PART_OF:
        return (word, _PART_OF[word])
    if word == "as":
        statement = _text(tokens, _first_code(tokens))
        context = "import" if statement == "from" else statement
        if context in ("with", "import", "except", "case"):
            return ("as", context)
        return ("as",)
    if word == "else":
        owner = _else_owner(tokens, index, document)
        return ("else", owner) if owner else ("else",)
    return (word,)


def _text(tokens: Sequence[Token], index: int) -> str | None:
    if 0 <= index < len(tokens) and tokens[index].kind != "comment":
        return tokens[index].text
    return None


def _first_code(tokens: Sequence[Token]) -> int:
    """Index of the first token of the cursor's own line (continuation lines come before it)."""
    if not tokens:
        return 0
    last_line = tokens[-1].line
    for position, token in enumerate(tokens):
        if token.line == last_line:
            return position
    return 0


def _is_statement_start(tokens: Sequence[Token], index: int) -> bool:
    return index == _first_code(tokens) or _text(tokens, index - 1) == ";"


def _opens_block(tokens: Sequence[Token], index: int) -> bool:
    """Whether a ``:`` outside brackets follows ``tokens[index]`` on the line."""
    depth = 0
    for token in tokens[index + 1 :]:
        if token.kind != "op":
            continue
        if token.text in "([{":
            depth += 1
        elif token.text in ")]}":
            depth -= 1
        elif token.text == ":" and depth == 0:
            return True
    return False


def _soft_keyword(tokens: Sequence[Token], index: int) -> tuple[str, ...] | None:
    word = tokens[index].text
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if word == "_":
        first = _first_code(tokens)
        if index > first and _soft_keyword(tokens, first) == ("case", "match"):
            return ("_", "case", "match")
        return None
    if not _is_statement_start(tokens, index) or after is None or after.kind == "comment":
        return None
    if after.kind == "op" and after.text in _NAME_FOLLOWERS:
        return None
    if word == "type":
        following = _text(tokens, index + 2)
        if after.kind == "name" and following in ("=", "["):
            return ("type",)
        return None
    if not _opens_block(tokens, index):
        return None
    return ("match",) if word == "match" else ("case", "match")


def _else_owner(tokens: Sequence[Token], index: int, document: Document | None) -> str | None:
    """``if``, ``for``, ``while`` or ``try``: the statement an ``else`` belongs to."""
    if any(token.text == "if" and token.kind == "name" for token in tokens[:index]):
        return "if"  # a conditional expression: ``a if b else c``
    if document is None or index != _first_code(tokens):
        return None
    line = tokens[index].line
    indent = tokens[index].start
    for number in range(line - 1, max(-1, line - _ELSE_LOOKBACK_LINES), -1):
        text = document.lines[number]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#") or document.open_string(number):
            continue
        here = len(text) - len(stripped)
        if here > indent:
            continue
        if here < indent:
            return None
        first_word = _FIRST_WORD.match(stripped)
        word = first_word.group() if first_word is not None else ""
        if word in ("if", "elif"):
            return "if"
        if word in ("for", "while", "try"):
            return word
        if word in ("except", "async"):
            return "try" if word == "except" else "for"
        if word != "else":
            return None
    return None
