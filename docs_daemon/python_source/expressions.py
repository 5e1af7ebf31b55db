"""Resolve the expression ending at a token to the qualified names documentation is filed under.

Works backwards over tokens only (no parse tree), so half-typed code still resolves:
dotted chains are qualified through the document's imports, builtins stay top-level names,
and literals or obvious constructors (``"x"``, ``[]``, ``set()``, ``pathlib.Path(".")``)
give the type whose methods follow them.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docs_daemon.python_source.imports import Imports
from docs_daemon.python_source.lexer import CLOSERS, OPENERS, Token, string_prefix

#: Names that are always bound: ``len``, ``dict``, ``ValueError`` are documented at top level.
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))
#: Builtins that are classes: calling one gives an instance (``set()`` -> ``set``).
BUILTIN_TYPES = frozenset(
    name for name in BUILTIN_NAMES if isinstance(getattr(builtins, name), type)
)
HARD_KEYWORDS = frozenset(keyword.kwlist)
#: Names that stand for the instance or class being defined: their attributes are unknown.
SELF_NAMES = frozenset({"self", "cls"})

#: Looks up the type a local name was last given (``x = "a"`` -> ``str``), or None.
LocalTypes = Callable[[str], "Inferred | None"]


#: Builtin types whose methods the Python docs file under another type
#: (``set.union`` is documented as ``frozenset.union``).
DOCUMENTED_UNDER = {"set": ("frozenset",), "bool": ("int",), "bytearray": ("bytes",)}


def member_homes(type_name: str) -> tuple[str, ...]:
    """The names a type's members are documented under, best first."""
    return (type_name, *DOCUMENTED_UNDER.get(type_name, ()))


def documented_as(type_name: str, attributes: Sequence[str] = ()) -> tuple[str, ...]:
    """Names to look ``type_name.attributes`` up under, best first."""
    homes = member_homes(type_name) if attributes else (type_name,)
    return tuple(".".join([home, *attributes]) for home in homes)


@dataclass(frozen=True, slots=True)
class Inferred:
    """The type of an expression and how sure we are of it."""

    qualname: str
    #: True for literals and builtin constructors; False for guesses such as "a call of a
    #: capitalised name makes an instance of it", where a member fallback is still useful.
    certain: bool


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a dotted expression leads: names to look up, and the member name as a fallback."""

    candidates: tuple[str, ...]
    member: str | None
    #: Index of the expression's first token.
    start: int


def is_name(token: Token) -> bool:
    """A name that can start or continue a dotted chain (not a hard keyword)."""
    return token.kind == "name" and token.text not in HARD_KEYWORDS


def matching_opener(tokens: Sequence[Token], close: int) -> int | None:
    """Index of the bracket that ``tokens[close]`` closes, or None when it is unbalanced."""
    depth = 0
    for index in range(close, -1, -1):
        token = tokens[index]
        if token.kind != "op":
            continue
        if token.text in CLOSERS:
            depth += 1
        elif token.text in OPENERS:
            depth -= 1
            if depth == 0:
                return index if OPENERS[token.text] == tokens[close].text else None
    return None


def dotted_names(tokens: Sequence[Token], end: int) -> tuple[list[str], int]:
    """The chain ``a.b.c`` ending at name ``tokens[end]``, and the index of its first name."""
    parts = [tokens[end].text]
    start = end
    while start >= 2 and tokens[start - 1].is_op(".") and is_name(tokens[start - 2]):
        start -= 2
        parts.append(tokens[start].text)
    parts.reverse()
    return parts, start


def resolve(
    tokens: Sequence[Token],
    end: int,
    imports: Imports,
    local_types: LocalTypes | None = None,
) -> Resolution | None:
    """Resolve the expression ending at ``tokens[end]`` (a name, literal or bracket)."""
    token = tokens[end]
    if not is_name(token):
        inferred, start = expression_type(tokens, end, imports, local_types)
        if inferred is None:
            return None
        return Resolution(documented_as(inferred.qualname), None, start)
    parts, start = dotted_names(tokens, end)
    member = parts[-1] if len(parts) > 1 else None
    if start >= 2 and tokens[start - 1].is_op("."):
        receiver, receiver_start = expression_type(tokens, start - 2, imports, local_types)
        if receiver is None:
            return Resolution((), parts[-1], receiver_start)
        candidates = documented_as(receiver.qualname, parts)
        return Resolution(candidates, None if receiver.certain else parts[-1], receiver_start)
    if start >= 1 and tokens[start - 1].is_op("."):
        return Resolution((), parts[-1], start)  # a leading dot: a receiver on another line
    dotted = ".".join(parts)
    head = parts[0]
    qualified = imports.qualify(dotted)
    if qualified is not None:
        return Resolution((qualified,), None, start)
    if head in SELF_NAMES and member is not None:
        return Resolution((), member, start)
    if member is not None and local_types is not None:
        local = local_types(head)
        if local is not None:
            return Resolution(documented_as(local.qualname, parts[1:]), member, start)
    if head in BUILTIN_NAMES:
        return Resolution(documented_as(head, parts[1:]), None, start)
    return Resolution((dotted,), member, start)


def expression_type(
    tokens: Sequence[Token],
    end: int,
    imports: Imports,
    local_types: LocalTypes | None = None,
) -> tuple[Inferred | None, int]:
    """The type of the literal, display or call ending at ``tokens[end]``, and where it starts.

    An expression whose type cannot be told gives ``(None, start)`` with the best guess at
    its start.
    """
    token = tokens[end]
    if token.kind == "string":
        start = end
        while start > 0 and tokens[start - 1].kind == "string":
            start -= 1
        return Inferred("bytes" if "b" in string_prefix(token) else "str", True), start
    if token.kind == "number":
        return Inferred(_number_type(token.text), True), end
    if token.kind == "name" and token.text in ("True", "False"):
        return Inferred("bool", True), end
    if token.kind != "op" or token.text not in CLOSERS:
        return None, end
    opener = matching_opener(tokens, end)
    if opener is None:
        return None, end
    before = tokens[opener - 1] if opener > 0 else None
    follows_value = before is not None and (
        is_name(before) or before.is_op(")", "]", "}") or before.kind == "string"
    )
    inner = tokens[opener + 1 : end]
    if token.text == "]":
        return (None, opener) if follows_value else (Inferred("list", True), opener)
    if token.text == "}":
        return Inferred(_brace_type(inner), True), opener
    if follows_value:
        return _call_type(tokens, opener - 1, imports, local_types)
    if not inner or _has_top_level(inner, ","):
        return Inferred("tuple", True), opener
    inferred, start = expression_type(tokens, end - 1, imports, local_types)
    return (inferred, opener) if start == opener + 1 else (None, opener)


def _number_type(text: str) -> str:
    lowered = text.lower()
    if lowered.endswith("j"):
        return "complex"
    if lowered.startswith(("0x", "0o", "0b")):
        return "int"
    return "float" if "." in lowered or "e" in lowered else "int"


def _has_top_level(tokens: Sequence[Token], *operators: str) -> bool:
    depth = 0
    for token in tokens:
        if token.kind != "op":
            continue
        if token.text in OPENERS:
            depth += 1
        elif token.text in CLOSERS:
            depth -= 1
        elif depth == 0 and token.text in operators:
            return True
    return False


def _brace_type(inner: Sequence[Token]) -> str:
    if not inner or _has_top_level(inner, ":", "**"):
        return "dict"
    return "set"


def _call_type(
    tokens: Sequence[Token],
    callee_end: int,
    imports: Imports,
    local_types: LocalTypes | None,
) -> tuple[Inferred | None, int]:
    """What calling the callee ending at ``callee_end`` returns, when that is obvious."""
    callee = resolve(tokens, callee_end, imports, local_types)
    if callee is None:
        return None, callee_end
    if not callee.candidates:
        return None, callee.start
    qualname = callee.candidates[0]
    last = qualname.rpartition(".")[2]
    if qualname in BUILTIN_TYPES:
        return Inferred(qualname, True), callee.start
    if last[:1].isupper() and not last.isupper():
        return Inferred(qualname, False), callee.start
    return None, callee.start
