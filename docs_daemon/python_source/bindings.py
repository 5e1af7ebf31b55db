"""Which names a document binds itself, so a stdlib namesake is never mistaken for them.

A parameter ``json``, a loop variable ``code`` or ``type = attrib()`` must not be answered
with the ``json`` module, the ``code`` module or the builtin ``type``. Reading every binding
form of Python (parameters, assignment targets, ``for``/``with``/``except … as``, lambdas and
comprehensions, ``def``/``class``, ``global``/``nonlocal``, imports, ``match`` captures,
``del``, walrus) from the text with a few regular-expression passes over the code (strings
and comments blanked) costs about a millisecond per thousand lines, works on code with syntax
errors anywhere, and is paid once per document version.

The index over-approximates on purpose: it records a name as bound wherever it *might* be
bound, in any scope. The fast path answers a bare name only when the index proves it is
unambiguous — bound by no statement at all (a builtin), or only by imports of one and the
same thing — and hands every other name to type inference. A false "bound" costs speed,
never a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from docs_daemon.python_source.document import Document, blank_strings_and_comments, statement_end

_NAME = r"[^\W\d]\w*"
_NAMES = re.compile(_NAME)
#: The keyword-led binding forms, in one pass: ``def f`` / ``class C`` (the name);
#: ``… as name`` and ``… as (a, b)`` (with, except, match); ``global a, b`` /
#: ``nonlocal a`` / ``del a, b.c``; ``for a, (b, c) in`` (statements and comprehensions);
#: ``lambda a, b=1, *c:``.
_KEYWORD_LED = re.compile(
    rf"\b(?:(?:def|class)[ \t]+(?P<definition>{_NAME})"
    r"|as[ \t]+(?P<as>\(?[^\n:)]*)"
    r"|(?:global|nonlocal|del)\b(?P<declaration>[^\n;]*)"
    r"|for\b(?P<for>[^\n]*?)\bin\b"
    r"|lambda\b(?P<lambda>[^:\n]*):)"
)
_DEF_PARAMETERS = re.compile(rf"\bdef[ \t]+{_NAME}[ \t]*(?:\[[^\]]*\][ \t]*)?\(")
#: ``(name := value)``: found from the rare ``:=`` backwards, not at every name.
_WALRUS = re.compile(r":=")
_NAME_BEFORE = re.compile(rf"({_NAME})[ \t]*$")
#: A statement's targets before ``=`` or an augmented assignment, at a line start or after
#: ``;``. Continuation lines of calls (``indent=2,``) match too: harmless here.
_ASSIGNMENT = re.compile(
    r"(?:^|;)[ \t]*([\w(\[*][\w.\[\]\(\), \t*]*)"
    r"(?:=(?!=)|(?:\+|-|\*\*?|//?|%|@|&|\||\^|>>|<<)=)",
    re.MULTILINE,
)
#: A call among the targets means the ``=`` was a keyword argument's: ``f(x=1)``.
_CALL = re.compile(r"\w[ \t]*\(")
#: ``name: annotation`` at a statement start.
_ANNOTATION = re.compile(rf"(?:^|;)[ \t]*({_NAME})[ \t]*:(?!=)", re.MULTILINE)
#: Import statements, blanked before the other passes (their ``as`` is not a local binding).
_IMPORT_START = re.compile(r"(?:^|(?<=;))[ \t]*(?:from|import)\b", re.MULTILINE)
#: ``case <pattern>:`` lines of a ``match`` statement; every bare name there may capture.
_CASE = re.compile(r"^[ \t]*case\b([^\n]*)", re.MULTILINE)
#: ``type Alias = …`` (3.12).
_TYPE_ALIAS = re.compile(rf"^[ \t]*type[ \t]+({_NAME})[ \t]*[\[=]", re.MULTILINE)
#: ``import a.b, c as d`` and ``from m import x, y as z`` (the statement text).
_IMPORT_ITEM = re.compile(rf"\s*({_NAME}(?:\s*\.\s*{_NAME})*)(?:\s+as\s+({_NAME}))?\s*$")
_FROM = re.compile(rf"from\s+(\.*)\s*({_NAME}(?:\s*\.\s*{_NAME})*)?\s+import\s*(.*)", re.DOTALL)
_KEYWORDS = frozenset(
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
    }
)  # fmt: skip

#: The target an import binds a name to, for names bound by something else.
LOCAL = ""


@dataclass(frozen=True, slots=True)
class Bindings:
    """Every name the document may bind, and what its imports bind names to."""

    #: Name -> the qualified names its imports give it (``{"numpy"}`` for ``np``); the
    #: empty string :data:`LOCAL` stands for any other binding (a relative import, a
    #: parameter, an assignment …).
    bound: Mapping[str, frozenset[str]]
    #: The document has ``from m import *``: any unbound name may come from ``m``.
    star_import: bool

    def import_target(self, name: str) -> str | None:
        """What ``name`` is throughout the document when only imports of one thing bind it."""
        targets = self.bound.get(name)
        if targets is None or len(targets) != 1:
            return None
        (target,) = targets
        return target or None

    def is_bound(self, name: str) -> bool:
        return name in self.bound

    def qualify(self, dotted: str) -> str | None:
        """``np.array`` -> ``numpy.array`` when only imports of ``numpy`` bind ``np``."""
        head, dot, rest = dotted.partition(".")
        target = self.import_target(head)
        return None if target is None else f"{target}{dot}{rest}"


def _names(text: str) -> list[str]:
    """The bare names in a target list: not attributes (``a.b`` binds nothing named ``b``)."""
    found = []
    for match in _NAMES.finditer(text):
        name = match.group()
        before = text[: match.start()].rstrip()
        if name in _KEYWORDS or before.endswith("."):
            continue
        found.append(name)
    return found


def _parameters(code: str, start: int) -> list[str]:
    """Parameter names of the list opening at ``code[start - 1] == "("``, across lines."""
    depth = 1
    position = start
    names: list[str] = []
    expecting_name = True
    while position < len(code) and depth:
        char = code[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 1 and char == ",":
            expecting_name = True
        elif depth == 1 and char in ":=":
            expecting_name = False  # an annotation or default follows
        elif depth == 1 and expecting_name and (char.isalpha() or char == "_"):
            match = _NAMES.match(code, position)
            if match is not None:
                names.append(match.group())
                position = match.end()
                expecting_name = False
                continue
        position += 1
    return names


def _case_names(pattern: str) -> list[str]:
    """Names a ``case`` pattern may capture: bare names not called, dotted or keywords."""
    names = []
    for match in _NAMES.finditer(pattern):
        name = match.group()
        after = pattern[match.end() :].lstrip()
        before = pattern[: match.start()].rstrip()
        if name in _KEYWORDS or after.startswith((".", "(")) or before.endswith("."):
            continue
        if after.startswith("=") and not after.startswith("=="):
            continue  # a keyword pattern's attribute name: ``Point(x=px)`` binds ``px``
        names.append(name)
    return names


def _import_bindings(statement: str, bound: dict[str, set[str]]) -> bool:
    """Record what one import statement binds; True for ``from m import *``."""
    if statement.startswith("import"):
        for piece in statement[len("import") :].split(","):
            item = _IMPORT_ITEM.match(piece)
            if item is None:
                continue
            dotted = re.sub(r"\s+", "", item.group(1))
            alias = item.group(2)
            if alias is not None:
                bound.setdefault(alias, set()).add(dotted)
            else:
                head = dotted.split(".", 1)[0]
                bound.setdefault(head, set()).add(head)
        return False
    match = _FROM.match(statement)
    if match is None:
        return False
    dots, module, names = match.groups()
    module = re.sub(r"\s+", "", module or "")
    names = names.strip().lstrip("(").split(")", 1)[0]
    if names.strip() == "*":
        return True
    for piece in names.split(","):
        item = _IMPORT_ITEM.match(piece)
        if item is None or "." in item.group(1):
            continue
        local = item.group(2) or item.group(1)
        # A relative import is the package's own module, never the stdlib's namesake.
        target = LOCAL if dots or not module else f"{module}.{item.group(1)}"
        bound.setdefault(local, set()).add(target)
    return False


def _without_imports(code: str) -> str:
    """``code`` with every import statement blanked (newlines kept)."""
    pieces = []
    position = 0
    for match in _IMPORT_START.finditer(code):
        if match.start() < position:
            continue  # inside the statement just blanked
        end = statement_end(code, match.start())
        pieces.append(code[position : match.start()])
        pieces.append(re.sub(r"[^\n]", " ", code[match.start() : end]))
        position = end
    pieces.append(code[position:])
    return "".join(pieces)


@lru_cache(maxsize=8)
def bindings_of(source: str, import_statements: tuple[str, ...]) -> Bindings:
    """The binding index of one document version (``import_statements`` from its scan)."""
    code = _without_imports(blank_strings_and_comments(source))
    local: set[str] = set()
    local.update(match.group(1) for match in _TYPE_ALIAS.finditer(code))
    for match in _KEYWORD_LED.finditer(code):
        kind = match.lastgroup
        text = match.group(kind) if kind is not None else None
        if text is None:
            continue
        if kind == "definition":
            local.add(text)
        elif kind == "lambda":
            local.update(_parameters(text + ")", 0))
        else:
            local.update(_names(text))
    for match in _WALRUS.finditer(code):
        before = _NAME_BEFORE.search(code, max(0, match.start() - 200), match.start())
        if before is not None:
            local.add(before.group(1))
    for match in _ANNOTATION.finditer(code):
        if match.group(1) not in _KEYWORDS:
            local.add(match.group(1))
    for match in _ASSIGNMENT.finditer(code):
        if _CALL.search(match.group(1)) is None:
            local.update(_names(match.group(1)))
    for match in _DEF_PARAMETERS.finditer(code):
        local.update(_parameters(code, match.end()))
    for match in _CASE.finditer(code):
        local.update(_case_names(match.group(1)))
    bound: dict[str, set[str]] = {}
    star = False
    for statement in import_statements:
        star = _import_bindings(statement, bound) or star
    for name in local:
        bound.setdefault(name, set()).add(LOCAL)
    frozen = {name: frozenset(targets) for name, targets in bound.items()}
    return Bindings(MappingProxyType(frozen), star)


def document_bindings(document: Document) -> Bindings:
    """The binding index of a scanned document (cached per text)."""
    return bindings_of(document.text, tuple(document.import_statements))
