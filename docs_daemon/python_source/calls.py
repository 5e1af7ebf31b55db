"""Which call the cursor is inside and which argument it is on: the basis of signature help."""

from __future__ import annotations

from dataclasses import dataclass

from docs_daemon.python_source.bindings import document_bindings
from docs_daemon.python_source.continuation import (
    CONTINUATION_LINES,
    code_tokens,
    starts_statement,
    with_continuation,
)
from docs_daemon.python_source.document import Document, scan
from docs_daemon.python_source.expressions import InferAt, is_name, resolve
from docs_daemon.python_source.imports import Imports
from docs_daemon.python_source.lexer import CLOSERS, OPENERS, Token

#: Keywords that open a definition: their parentheses are parameter lists, not calls.
_DEFINITIONS = frozenset({"def", "class"})


@dataclass(frozen=True, slots=True)
class CallContext:
    """The innermost call around the cursor."""

    #: The callee, qualified like :attr:`Target.candidates`: ``("json.dumps",)``.
    candidates: tuple[str, ...]
    #: Index of the argument under the cursor (commas outside brackets before it).
    active_parameter: int
    #: The keyword being given (``indent`` in ``json.dumps(x, indent=``), else None.
    keyword: str | None
    #: The method name when the receiver cannot be typed (``x.split(``), as in Target.
    member: str | None = None
    #: Where type inference must look for the callee when the text alone cannot tell.
    infer: InferAt | None = None
    #: Where to ask inference when none of ``candidates`` is documented.
    fallback: InferAt | None = None


def call_context(
    source: str, line: int, column: int, imports: Imports | None = None
) -> CallContext | None:
    """The call whose parentheses enclose ``line``/``column`` (code points), or None."""
    document = scan(source)
    if not 0 <= line < len(document.lines) or not 0 <= column <= len(document.lines[line]):
        return None
    line_tokens = document.tokens(line)
    if any(token.kind == "comment" and token.start < column for token in line_tokens):
        return None  # a string argument being typed still shows its call; a comment does not
    tokens = [token for token in line_tokens if token.start < column and token.kind != "comment"]
    depth = 0
    commas = 0
    argument_start: int | None = None
    position = len(tokens) - 1
    first_line = line
    while True:
        while position >= 0:
            token = tokens[position]
            if token.kind == "op" and token.text in CLOSERS:
                depth += 1
            elif token.kind == "op" and token.text in OPENERS and depth:
                depth -= 1
            elif token.kind == "op" and token.text in OPENERS:
                if token.text == "(" and _is_callee(tokens, position - 1):
                    if _is_definition(tokens, position - 1):
                        return None
                    start = position + 1 if argument_start is None else argument_start
                    return _context(document, tokens, position, commas, tokens[start:])
                commas = 0  # the commas so far separate items of a display, not arguments
                argument_start = None
            elif depth == 0 and token.is_op(","):
                commas += 1
                if argument_start is None:
                    argument_start = position + 1
            position -= 1
        if first_line == 0 or line - first_line >= CONTINUATION_LINES or starts_statement(tokens):
            return None
        first_line -= 1
        earlier = code_tokens(document, first_line)
        tokens = earlier + tokens
        position = len(earlier) - 1
        if argument_start is not None:
            argument_start += len(earlier)


def _is_callee(tokens: list[Token], index: int) -> bool:
    """Whether the token before a ``(`` ends something callable (so the ``(`` is a call)."""
    if index < 0:
        return False
    token = tokens[index]
    return is_name(token) or token.is_op(")", "]") or token.kind == "string"


def _is_definition(tokens: list[Token], index: int) -> bool:
    return (
        index >= 1
        and tokens[index].kind == "name"
        and tokens[index - 1].kind == "name"
        and tokens[index - 1].text in _DEFINITIONS
    )


def _context(
    document: Document, tokens: list[Token], paren: int, commas: int, argument: list[Token]
) -> CallContext | None:
    keyword = None
    if len(argument) >= 2 and is_name(argument[0]) and argument[1].is_op("="):
        keyword = argument[0].text
    callee_tokens, callee_end = with_continuation(document, tokens[:paren], paren - 1)
    resolution = resolve(callee_tokens, callee_end, document_bindings(document))
    if resolution is None or not (resolution.candidates or resolution.member or resolution.infer):
        return None  # a call of something we cannot name: no signature to show
    return CallContext(
        resolution.candidates,
        commas,
        keyword,
        resolution.member,
        resolution.infer,
        resolution.fallback,
    )
