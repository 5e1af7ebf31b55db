"""Guess a local name's type from its last plain assignment above the cursor, in the same scope.

``x = "a"`` then ``x.split`` -> ``str.split``; ``p = pathlib.Path(".")`` then ``p.exists`` ->
``pathlib.Path.exists``; annotations count too (``p: Path``, ``def f(p: Path)``). Only a
bounded window of lines above the cursor is read, with indentation standing in for scopes,
so the cost stays small however long the file is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from docs_daemon.python_source.document import Document
from docs_daemon.python_source.expressions import Inferred, expression_type, resolve
from docs_daemon.python_source.imports import Imports
from docs_daemon.python_source.lexer import lex_line

#: How far above the cursor assignments are looked for.
WINDOW_LINES = 200

_HEADER = re.compile(r"(?:async\s+)?(?P<kind>def|class)\b")
_HEADER_STARTS = ("def", "class", "async")
_EXCEPT = re.compile(r"except\*?\s+(?P<type>[\w.]+)\s+as\s+(?P<name>\w+)\s*:")


@lru_cache(maxsize=256)
def _binding(name: str) -> re.Pattern[str]:
    """Finds lines that may bind ``name``: assignments, annotated parameters, ``as`` and
    ``for`` targets."""
    escaped = re.escape(name)
    return re.compile(
        rf"^[ \t]*{escaped}[ \t]*(?::[^=\n]*)?=(?!=)|[(,][ \t]*\**{escaped}[ \t]*:"
        rf"|\b(?:as|for)[ \t]+{escaped}\b",
        re.MULTILINE,
    )


@dataclass(slots=True)
class _Scope:
    indent: int
    is_class: bool
    #: Name -> its type, or None once it was given something we cannot type.
    names: dict[str, Inferred | None] = field(default_factory=dict)


def local_type(document: Document, line: int, name: str, imports: Imports) -> Inferred | None:
    """The type ``name`` was last given in the scope of ``line`` (above it), if obvious."""
    assignment = re.compile(
        rf"{re.escape(name)}\s*(?::\s*(?P<annotation>[^=]+?))?\s*=(?!=)\s*(?P<value>.*)"
    )
    parameter = re.compile(rf"[(,]\s*\**{re.escape(name)}\s*:\s*(?P<annotation>[\w.]+)")
    first = max(0, line - WINDOW_LINES)
    starts = document.line_starts
    binding_lines = {
        bisect_right(starts, match.start()) - 1
        for match in _binding(name).finditer(document.text, starts[first], starts[line])
    }
    if not binding_lines:
        return None  # the common case: nothing above binds the name, so skip the scope walk
    scopes = [_Scope(-1, is_class=False)]
    for number in range(first, line + 1):
        text = document.lines[number]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#") or document.open_string(number) is not None:
            continue
        indent = len(text) - len(stripped)
        while len(scopes) > 1 and scopes[-1].indent >= indent:
            scopes.pop()
        if number == line:
            break
        header = _HEADER.match(stripped) if stripped.startswith(_HEADER_STARTS) else None
        if number not in binding_lines:
            if header is not None:
                scopes.append(_Scope(indent, is_class=header.group("kind") == "class"))
            continue
        if header is not None:
            scope = _Scope(indent, is_class=header.group("kind") == "class")
            found = parameter.search(stripped)
            if found is not None:
                scope.names[name] = _annotation_type(found.group("annotation"), imports)
            scopes.append(scope)
            continue
        match = assignment.match(stripped)
        if match is not None:
            annotation = match.group("annotation")
            if annotation is not None:
                typed = _annotation_type(annotation, imports)
            else:
                typed = _value_type(match.group("value"), imports)
            scopes[-1].names[name] = typed
            continue
        caught = _EXCEPT.match(stripped)
        if caught is not None and caught.group("name") == name:
            # ``except ValueError as error``: an instance of the class caught
            scopes[-1].names[name] = _annotation_type(caught.group("type"), imports)
        elif re.search(rf"\b(?:as|for)\s+{re.escape(name)}\b", stripped):
            scopes[-1].names[name] = None  # a loop or ``with`` target: type unknown
    innermost = True
    for scope in reversed(scopes):
        if scope.is_class and not innermost:
            continue  # a method does not see its class body's names
        innermost = False
        if name in scope.names:
            return scope.names[name]
    return None


def _annotation_type(annotation: str, imports: Imports) -> Inferred | None:
    """A plain dotted annotation (``Path``, ``pathlib.Path``, ``str``) as a type."""
    tokens = [token for token in lex_line(annotation.strip()) if token.kind != "comment"]
    if not tokens:
        return None
    resolution = resolve(tokens, len(tokens) - 1, imports)
    if resolution is None or resolution.start != 0 or not resolution.candidates:
        return None
    return Inferred(resolution.candidates[0], certain=False)


def _value_type(value: str, imports: Imports) -> Inferred | None:
    """The type of an assigned value, when the whole value is one literal or constructor."""
    tokens = [token for token in lex_line(value) if token.kind != "comment"]
    if tokens and tokens[-1].is_op(";"):
        tokens.pop()
    if not tokens:
        return None
    inferred, start = expression_type(tokens, len(tokens) - 1, imports)
    return inferred if start == 0 else None
