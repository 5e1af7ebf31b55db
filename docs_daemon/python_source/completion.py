"""What is being completed at the cursor: a member after a dot, a module name, an imported name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from docs_daemon.python_source.bindings import document_bindings
from docs_daemon.python_source.continuation import import_statement_tokens, with_continuation
from docs_daemon.python_source.document import Document, scan
from docs_daemon.python_source.expressions import (
    DOCUMENTED_UNDER,
    HARD_KEYWORDS,
    InferAt,
    is_name,
    member_homes,
    resolve,
)
from docs_daemon.python_source.fstrings import field_tokens
from docs_daemon.python_source.imports import Imports
from docs_daemon.python_source.lexer import Token, in_string_or_comment, string_at


@dataclass(frozen=True, slots=True)
class CompletionContext:
    """Where completion happens and what to offer there."""

    #: ``member``: after ``receiver.``; ``module``: a module name in ``import``/``from``;
    #: ``import_member``: a name after ``from module import``.
    kind: Literal["member", "module", "import_member"]
    #: ``member``: the qualified receiver (``os.path``); ``module``: the dotted module name
    #: typed so far (``xml.e``); ``import_member``: the module (``os``).
    parent: str
    #: The partial name typed before the cursor ("" right after a dot).
    prefix: str
    #: The range of the prefix, which a chosen item replaces (code point columns).
    line: int
    start: int
    end: int
    #: The type of a literal or inferred receiver (``"x".`` -> ``("str",)``).
    receiver_candidates: tuple[str, ...] = ()
    #: Where type inference must look for the receiver's type when the text cannot tell
    #: (``parent`` is then a guess, or "").
    infer: InferAt | None = None


def completion_context(
    source: str, line: int, column: int, imports: Imports | None = None
) -> CompletionContext | None:
    """The completion context at ``line``/``column`` (code points); None where nothing fits."""
    document = scan(source)
    if not 0 <= line < len(document.lines) or not 0 <= column <= len(document.lines[line]):
        return None
    tokens = document.tokens(line)
    in_field = in_string_or_comment(tokens, column)
    if in_field:
        string = string_at(tokens, column)
        if string is None:
            return None
        tokens = field_tokens(string)  # code inside an f-string's braces
        if not any(token.start <= column <= token.end for token in tokens):
            return None
    before = [token for token in tokens if token.end <= column and token.kind != "comment"]
    prefix = ""
    start = column
    if before and before[-1].end == column and before[-1].kind == "name":
        typed = before.pop()
        if typed.text in HARD_KEYWORDS and not (before and before[-1].is_op(".")):
            return None
        prefix, start = typed.text, typed.start
    else:
        inside = next((token for token in tokens if token.start < column < token.end), None)
        if inside is not None:
            if inside.kind != "name":
                return None
            prefix, start = inside.text[: column - inside.start], inside.start
    statement = None if in_field else import_statement_tokens(document, line)
    if statement is not None:
        earlier = [token for token in statement if token.line < line]
        found = _import_context(earlier + before, prefix)
        if found is None:
            return None
        kind, parent = found
        return CompletionContext(kind, parent, prefix, line, start, column)
    if not before or not before[-1].is_op("."):
        return None
    return _member_context(document, before, prefix, line, start, column)


def _dotted_so_far(item: list[Token]) -> str | None:
    """``a . b .`` -> ``"a.b."``; None unless the tokens are names and dots ending in a dot."""
    if item and not item[-1].is_op("."):
        return None
    for position, token in enumerate(item):
        expected_name = position % 2 == 0
        if expected_name != is_name(token) or (not expected_name and not token.is_op(".")):
            return None
    return "".join(token.text for token in item)


def _import_context(
    before: list[Token], prefix: str
) -> tuple[Literal["module", "import_member"], str] | None:
    if not before or before[0].kind != "name" or before[0].text not in ("import", "from"):
        return None
    if before[0].text == "import":
        item = _current_item(before[1:])
        dotted = _dotted_so_far(item)
        return None if dotted is None else ("module", dotted + prefix)
    keyword_at = next(
        (position for position, token in enumerate(before) if token.text == "import"), None
    )
    if keyword_at is None:
        dotted = _dotted_so_far(before[1:])
        return None if dotted is None else ("module", dotted + prefix)
    module = _dotted_so_far([*before[1:keyword_at], _DOT])
    if module is None or len(before[1:keyword_at]) == 0:
        return None
    item = _current_item(before[keyword_at + 1 :])
    if item:
        return None
    return ("import_member", module[:-1])


#: Stands for a trailing dot when checking that a module name is complete.
_DOT = Token("op", ".", 0, 0, 0)


def _current_item(tokens: list[Token]) -> list[Token]:
    """The tokens after the last ``,`` or ``(``: the item of an import list being typed."""
    for position in range(len(tokens) - 1, -1, -1):
        if tokens[position].is_op(",", "("):
            return tokens[position + 1 :]
    return tokens


def _member_context(
    document: Document,
    before: list[Token],
    prefix: str,
    line: int,
    start: int,
    column: int,
) -> CompletionContext | None:
    tokens, dot = with_continuation(document, before, len(before) - 1)
    if dot < 1:
        return None
    receiver_end = dot - 1
    literal = not is_name(tokens[receiver_end])
    resolution = resolve(tokens, receiver_end, document_bindings(document))
    if resolution is None:
        return None
    if resolution.infer is not None:
        receiver = tokens[receiver_end]
        guess = resolution.candidates[0] if resolution.candidates else ""
        return CompletionContext(
            "member", guess, prefix, line, start, column, (), InferAt(receiver.line, receiver.end)
        )
    if not resolution.candidates:
        return None
    parent = resolution.candidates[0]
    receivers = member_homes(parent) if literal else DOCUMENTED_UNDER.get(parent, ())
    return CompletionContext("member", parent, prefix, line, start, column, receivers)
