"""Resolve the expression ending at a token to the qualified names documentation is filed under.

Works backwards over tokens only (no parse tree), so half-typed code still resolves. This is
the fast path, and it answers only what the text proves: a chain whose head only imports
bind (``np.array``), a builtin nobody rebinds (``len``, ``dict.fromkeys``), a literal or
builtin constructor (``"x".split``, ``set().union``), a call of an imported class
(``pathlib.Path(".").exists``). Anything else — a name the code binds itself, ``self.x.y``,
a call's result — is handed to type inference with the position to ask about
(:class:`InferAt`), and never guessed from a namesake.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Sequence
from dataclasses import dataclass

from docs_daemon.python_source.bindings import Bindings
from docs_daemon.python_source.lexer import CLOSERS, OPENERS, Token, string_prefix

#: Names that are always bound: ``len``, ``dict``, ``ValueError`` are documented at top level.
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))
#: Builtins that are classes: calling one gives an instance (``set()`` -> ``set``).
BUILTIN_TYPES = frozenset(
    name for name in BUILTIN_NAMES if isinstance(getattr(builtins, name), type)
)
HARD_KEYWORDS = frozenset(keyword.kwlist)
#: Builtin classes whose call does not give an instance of themselves (``super()`` is a
#: proxy for the parent class, ``type(x)`` is ``x``'s class).
_NOT_CONSTRUCTORS = frozenset({"super", "type"})
#: Names that stand for the instance or class being defined: their attributes are unknown.
SELF_NAMES = frozenset({"self", "cls"})

#: Third-party modules that re-export the standard library's objects under the same names:
#: ``typing_extensions.Self`` is documented as ``typing.Self`` (when the stdlib has it).
STDLIB_BACKPORTS = {"typing_extensions": "typing"}


def stdlib_spellings(qualified: str) -> tuple[str, ...]:
    """``qualified``, preceded by its standard-library spelling when a backport re-exports it."""
    head, dot, rest = qualified.partition(".")
    stdlib = STDLIB_BACKPORTS.get(head)
    return (f"{stdlib}{dot}{rest}", qualified) if stdlib and rest else (qualified,)


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
class InferAt:
    """Where type inference must look: the name (its end) and, for ``receiver.name``, where
    the receiver expression ends; positions are 0-based lines and code point columns."""

    line: int
    column: int
    receiver: tuple[int, int] | None = None
    #: The attribute name for ``receiver.name``, else "".
    member: str = ""
    #: For a bare name: the document binds it itself (a parameter, an assignment …), so a
    #: standard-library object *of the same name* is never the answer, whatever inference
    #: says (it can be fooled: a comprehension's variable used before its ``for``).
    shadowed: bool = False


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a dotted expression leads: names to look up, or where to ask inference."""

    candidates: tuple[str, ...]
    #: For ``receiver.member`` when the receiver cannot be typed: the member's name, so
    #: documented members of that name may be offered as a hedged list.
    member: str | None
    #: Index of the expression's first token.
    start: int
    #: Set when only type inference can tell (then ``candidates`` is empty).
    infer: InferAt | None = None
    #: Where to ask inference when none of ``candidates`` is documented: a name imported from
    #: a module the docs do not describe (the package's own, a re-export, a stub-only one).
    fallback: InferAt | None = None


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


def _infer_at(tokens: Sequence[Token], end: int, receiver_end: int | None) -> InferAt:
    name = tokens[end]
    if receiver_end is None:
        return InferAt(name.line, name.end)
    receiver = tokens[receiver_end]
    return InferAt(name.line, name.end, (receiver.line, receiver.end), name.text)


def resolve(tokens: Sequence[Token], end: int, names: Bindings) -> Resolution | None:
    """Resolve the expression ending at ``tokens[end]`` (a name, literal or bracket)."""
    token = tokens[end]
    if not is_name(token):
        inferred, start = expression_type(tokens, end, names)
        if inferred is None:
            return Resolution((), None, start, InferAt(token.line, token.end))
        return Resolution(documented_as(inferred.qualname), None, start)
    parts, start = dotted_names(tokens, end)
    member = parts[-1] if len(parts) > 1 else None
    if start >= 2 and tokens[start - 1].is_op("."):
        receiver, receiver_start = expression_type(tokens, start - 2, names)
        if receiver is None or not receiver.certain:
            infer = _infer_at(tokens, end, end - 2)
            guess = documented_as(receiver.qualname, parts) if receiver is not None else ()
            return Resolution(guess, parts[-1], receiver_start, infer)
        return Resolution(documented_as(receiver.qualname, parts), None, receiver_start)
    if start >= 1 and tokens[start - 1].is_op("."):
        return Resolution((), parts[-1], start)  # a leading dot: a receiver on another line
    head = parts[0]
    line = tokens[start].line  # bindings are seen from here: a function's own do not leak
    qualified = names.qualify(".".join(parts), line)
    receiver_end = end - 2 if member is not None else None
    if qualified is not None:
        fallback = _infer_at(tokens, end, receiver_end)
        return Resolution(stdlib_spellings(qualified), None, start, fallback=fallback)
    bound = names.is_bound(head, line)
    if bound or head in SELF_NAMES or (names.star_import and len(parts) == 1):
        infer = _infer_at(tokens, end, receiver_end)
        if member is None and names.bound_only_locally(head, line):
            infer = InferAt(infer.line, infer.column, shadowed=True)
        return Resolution((), member, start, infer)
    if head in BUILTIN_NAMES and not names.star_import:
        return Resolution(documented_as(head, parts[1:]), None, start)
    if names.star_import:
        return Resolution((), member, start, _infer_at(tokens, end, end - 2 if member else None))
    return None  # not bound anywhere, not a builtin: an undefined name has no docs


def expression_type(
    tokens: Sequence[Token], end: int, names: Bindings
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
        return _call_type(tokens, opener - 1, names)
    if not inner or _has_top_level(inner, ","):
        return Inferred("tuple", True), opener
    inferred, start = expression_type(tokens, end - 1, names)
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
    tokens: Sequence[Token], callee_end: int, names: Bindings
) -> tuple[Inferred | None, int]:
    """What calling the callee ending at ``callee_end`` returns, when that is obvious."""
    callee = resolve(tokens, callee_end, names)
    if callee is None:
        return None, callee_end
    if not callee.candidates:
        return None, callee.start
    qualname = callee.candidates[0]
    last = qualname.rpartition(".")[2]
    if qualname in BUILTIN_TYPES and qualname not in _NOT_CONSTRUCTORS:
        return Inferred(qualname, True), callee.start
    if last[:1].isupper() and not last.isupper():
        return Inferred(qualname, False), callee.start
    return None, callee.start
