"""A forgiving one-line Python lexer: code being edited must still give tokens to reason about.

The standard ``tokenize`` module stops at the first error and needs the whole file; the
editor features only ever need the tokens of a line or two around the cursor, even when
the line is half typed (unterminated strings, unbalanced brackets, stray characters).
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

TokenKind = Literal["name", "number", "string", "op", "comment", "other"]

_STRING_PREFIX = r"(?:[rR][bBfF]?|[bBfF][rR]?|[uU])?"
_STRING_BODY = (
    r'(?:"""(?:[^\\]|\\.?)*?(?:"""|$)'
    r"|'''(?:[^\\]|\\.?)*?(?:'''|$)"
    r'|"(?:[^"\\]|\\.?)*(?:"|$)'
    r"|'(?:[^'\\]|\\.?)*(?:'|$))"
)
_DIGITS = r"\d(?:_?\d)*"
_NUMBER = (
    r"0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+"
    rf"|(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?[jJ]?"
)
_OPERATOR = (
    r"\.\.\.|->|:=|\*\*=?|//=?|>>=?|<<=?|[-+*/%&|^@<>=!]="
    r"|[-+*/%&|^@~<>=.,:;()\[\]{}]"
)
_TOKEN = re.compile(
    rf"(?P<ws>[ \t\f]+)"
    rf"|(?P<comment>\#.*)"
    rf"|(?P<string>{_STRING_PREFIX}{_STRING_BODY})"
    rf"|(?P<number>{_NUMBER})"
    rf"|(?P<name>[^\W\d]\w*)"
    rf"|(?P<op>{_OPERATOR})"
    rf"|(?P<other>.)"
)

#: How the rest of a string that started on an earlier line ends, by its opening delimiter.
_STRING_REST = {
    delimiter: re.compile(
        rf"(?:[^\\{delimiter[0]}]|\\.?|{delimiter[0]}(?!{delimiter[1:]}))*?"
        rf"(?:{delimiter}|$)"
    )
    if len(delimiter) == 3
    else re.compile(rf"(?:[^\\{delimiter}]|\\.?)*(?:{delimiter}|$)")
    for delimiter in ('"""', "'''", '"', "'")
}

_PREFIX = re.compile(rf"({_STRING_PREFIX})[\"']")

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {")": "(", "]": "[", "}": "{"}


class Token(NamedTuple):
    """One token; ``start``/``end`` are code point columns on physical line ``line``."""

    kind: TokenKind
    text: str
    line: int
    start: int
    end: int

    def is_op(self, *texts: str) -> bool:
        """Whether this is one of the given operators (any operator when none is given)."""
        return self.kind == "op" and (not texts or self.text in texts)


def lex_line(text: str, line: int = 0, open_string: str | None = None) -> list[Token]:
    """Tokens of one physical line, never failing.

    ``open_string`` is the delimiter of a string that began on an earlier line and is
    still open at the start of this one; its remainder becomes the first token.
    """
    tokens: list[Token] = []
    position = 0
    if open_string is not None:
        rest = _STRING_REST[open_string].match(text)
        position = rest.end() if rest is not None else len(text)
        tokens.append(Token("string", text[:position], line, 0, position))
    for match in _TOKEN.finditer(text, position):
        kind = match.lastgroup
        if kind is None or kind == "ws":
            continue
        tokens.append(Token(kind, match.group(), line, match.start(), match.end()))  # type: ignore[arg-type]
    return tokens


def string_prefix(token: Token) -> str:
    """The lower-cased prefix letters of a string token (``"rb"`` for ``rb'x'``); empty too
    for the remainder of a string begun on an earlier line."""
    prefix = _PREFIX.match(token.text)
    return prefix.group(1).lower() if prefix is not None else ""


def in_string_or_comment(tokens: list[Token], column: int) -> bool:
    """Whether ``column`` is inside a string or comment (an unclosed string runs to the end)."""
    if any(token.kind == "comment" and token.start < column for token in tokens):
        return True
    return string_at(tokens, column) is not None


def string_at(tokens: list[Token], column: int) -> Token | None:
    """The string token ``column`` is inside, if any (an unclosed string runs to the end)."""
    for token in tokens:
        if (
            token.kind == "string"
            and token.start < column
            and (column < token.end or not _is_closed(token))
        ):
            return token
    return None


def _is_closed(token: Token) -> bool:
    body = token.text[len(string_prefix(token)) :]
    if body[:1] not in ('"', "'"):
        return body.endswith(('"', "'"))  # the end of a string begun on an earlier line
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if len(body) < 2 * len(quote) or not body.endswith(quote):
        return False
    return not body[: -len(quote)].endswith("\\") or body[: -len(quote)].endswith("\\\\")
