"""What the cursor is on, as names to look documentation up under: the heart of hover."""

from __future__ import annotations

from dataclasses import dataclass

from docs_daemon.python_source.bindings import document_bindings
from docs_daemon.python_source.calls import call_context
from docs_daemon.python_source.continuation import (
    code_tokens,
    import_statement_tokens,
    with_continuation,
)
from docs_daemon.python_source.document import Document, scan
from docs_daemon.python_source.expressions import (
    InferAt,
    Resolution,
    dotted_names,
    is_name,
    resolve,
)
from docs_daemon.python_source.fstrings import field_tokens
from docs_daemon.python_source.imports import Imports
from docs_daemon.python_source.keywords import keyword_candidates
from docs_daemon.python_source.lexer import Token, string_at

#: Keywords whose following name is being defined right there.
_DEFINES = frozenset({"def", "class"})


@dataclass(frozen=True, slots=True)
class Target:
    """The expression under the cursor and the qualified names it may be documented under."""

    #: Qualified names to look up, best first: ``("json.dumps",)``, ``("str.split",)``,
    #: ``("async for", "async")``.
    candidates: tuple[str, ...]
    #: For a member of a receiver we cannot type (``x.split``): ``"split"``, so the caller
    #: can offer the documented members of that name as candidates; else None.
    member: str | None
    is_keyword: bool
    #: The range of the resolved expression on the cursor's line, in code point columns.
    line: int
    start: int
    end: int
    #: Where type inference must look when the text alone cannot tell.
    infer: InferAt | None = None
    #: Where to ask inference when none of ``candidates`` is documented.
    fallback: InferAt | None = None


def target_at(source: str, line: int, column: int, imports: Imports | None = None) -> Target | None:
    """The documented thing at ``line``/``column`` (code points, 0-based); None if nothing.

    The expression is the dotted chain up to and including the name under the cursor:
    on ``json`` in ``json.dumps`` it is ``json``, on ``dumps`` it is ``json.dumps``.
    Code inside f-string fields counts; a keyword argument's name (``indent=``) stands for
    the function it is passed to. Whitespace, strings, comments and numbers give None.
    """
    document = scan(source)
    if not 0 <= line < len(document.lines) or not 0 <= column <= len(document.lines[line]):
        return None
    tokens = document.tokens(line)
    index = token_at(tokens, column)
    in_field = index is None
    if index is None:
        string = string_at(tokens, column)
        if string is None:
            return None
        tokens = field_tokens(string)  # code inside an f-string's braces
        index = token_at(tokens, column)
        if index is None:
            return None
    token = tokens[index]
    keywords = keyword_candidates(tokens, index, document)
    if keywords is not None:
        return Target(keywords, None, True, line, token.start, token.end)
    if not in_field:
        statement = import_statement_tokens(document, line)
        if statement is not None:
            code_on_line = sum(1 for token in tokens if token.kind != "comment")
            return _import_target(statement, len(statement) - code_on_line + index)
        if _is_keyword_argument(document, tokens, index):
            call = call_context(source, line, token.start, imports)
            if call is not None:
                return Target(
                    call.candidates,
                    call.member,
                    False,
                    line,
                    token.start,
                    token.end,
                    call.infer,
                    call.fallback,
                )
        if index > 0 and tokens[index - 1].kind == "name" and tokens[index - 1].text in _DEFINES:
            return None  # the name a ``def``/``class`` defines is the code's own
        tokens, index = with_continuation(document, tokens, index)
    resolution = resolve(tokens, index, document_bindings(document))
    if resolution is None:
        return None
    return _target(resolution, tokens, index, line)


def token_at(tokens: list[Token], column: int) -> int | None:
    """Index of the name token at ``column`` (its end counts, as editors place cursors)."""
    for index, token in enumerate(tokens):
        if token.start <= column <= token.end:
            if token.kind == "name":
                return index
            if token.end > column:
                return None  # inside a string, comment, number or operator
    return None


def _is_keyword_argument(document: Document, tokens: list[Token], index: int) -> bool:
    """``indent`` in ``dumps(x, indent=2)``: documented by the function it is passed to."""
    if not (index < len(tokens) - 1 and tokens[index + 1].is_op("=")):
        return False
    if index > 0:
        return tokens[index - 1].is_op("(", ",")
    line = tokens[index].line
    earlier = code_tokens(document, line - 1) if line > 0 else []
    return bool(earlier) and earlier[-1].is_op("(", ",")  # an argument on its own line


def _import_target(tokens: list[Token], index: int) -> Target | None:
    """In an import statement names are modules and their members, not local names.

    ``tokens`` is the whole statement, starting with ``import`` or ``from``.
    """
    token = tokens[index]
    named = index
    if index >= 2 and tokens[index - 1].text == "as" and tokens[index - 2].kind == "name":
        named = index - 2  # an alias stands for what it renames
    parts, start = dotted_names(tokens, named)
    if start > 0 and tokens[start - 1].is_op("."):
        return None  # a relative import: nothing documented to find
    dotted = ".".join(parts)
    if tokens[0].text == "from":
        keyword_at = next(
            (
                position
                for position, keyword in enumerate(tokens)
                if keyword.kind == "name" and keyword.text == "import"
            ),
            len(tokens),
        )
        if named > keyword_at:
            if keyword_at < 2 or not is_name(tokens[keyword_at - 1]):
                if keyword_at >= 2 and tokens[keyword_at - 1].is_op("."):
                    return _relative(tokens, named, token)  # ``from . import x``
                return None  # a half-typed module
            module, module_start = dotted_names(tokens, keyword_at - 1)
            if module_start > 0 and tokens[module_start - 1].is_op("."):
                return _relative(tokens, named, token)  # ``from .m import x``
            dotted = ".".join([*module, *parts])
    span_start = token.start if named != index else tokens[start].start
    return Target((dotted,), None, False, token.line, span_start, token.end)


def _relative(tokens: list[Token], named: int, token: Token) -> Target:
    """A name imported from the package's own module: only inference can tell what it is
    (it may well be a standard-library object the module re-exports)."""
    imported = tokens[named]
    infer = InferAt(imported.line, imported.end)
    return Target((), None, False, token.line, token.start, token.end, infer)


def _target(resolution: Resolution, tokens: list[Token], index: int, line: int) -> Target:
    """The target whose range runs from the expression's start (on this line) to the cursor name."""
    first = next(
        (token for token in tokens[resolution.start : index + 1] if token.line == line),
        tokens[index],
    )
    return Target(
        resolution.candidates,
        resolution.member,
        False,
        line,
        first.start,
        tokens[index].end,
        resolution.infer,
        resolution.fallback,
    )
