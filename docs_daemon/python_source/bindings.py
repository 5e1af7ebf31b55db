"""Which names a document binds itself, so a stdlib namesake is never mistaken for them.

A parameter ``json``, a loop variable ``code`` or ``type = attrib()`` must not be answered
with the ``json`` module, the ``code`` module or the builtin ``type``. Reading every binding
form of Python (parameters, assignment targets, ``for``/``with``/``except … as``, lambdas and
comprehensions, ``def``/``class``, ``global``/``nonlocal``, imports, ``match`` captures,
``del``, walrus) from the text with a few line-bounded regular-expression passes works on
code with syntax errors anywhere and is paid once per document version (a few milliseconds
for a thousand-line file; a parse tree costs more and fails on code being edited).

The index over-approximates on purpose: it records a name as bound wherever it *might* be
bound, in any scope, even in strings and comments (``# for line in lines``), which are not
worth the time to skip. The fast path answers a bare name only when the index proves it is
unambiguous — bound by no statement at all (a builtin), or only by imports of one and the
same thing — and hands every other name to type inference. A false "bound" costs speed,
never a wrong answer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from docs_daemon.python_source.document import Document, inside_string
from docs_daemon.python_source.scopes import Blocks, blocks_of, position_of

_NAME = r"[^\W\d]\w*"
_NAMES = re.compile(_NAME)
_NOT_NEWLINE = re.compile(r"[^\n]")
#: Each binding form is found from a literal it starts with, which the regular-expression
#: engine locates at memory speed; the word boundary before it is checked afterwards. (One
#: pattern of alternatives starting with ``\b`` is fifty times slower on big files.)
_LEADS = {
    #: ``def f(…`` / ``async def f[T](…``: the name, and the parameter list's opening.
    "def": re.compile(rf"def[ \t]+(?P<name>{_NAME})[ \t]*(?:\[[^\]\n]*\][ \t]*)?(?P<open>\()?"),
    "class": re.compile(rf"class[ \t]+(?P<name>{_NAME})"),
    #: ``… as name`` and ``… as (a, b)`` (with, except, match).
    "as": re.compile(r"as[ \t]+(?P<names>\(?[^\n:)]*)"),
    #: ``global a, b`` / ``nonlocal a`` / ``del a, b.c``.
    "global": re.compile(r"global\b(?P<names>[^\n;]*)"),
    "nonlocal": re.compile(r"nonlocal\b(?P<names>[^\n;]*)"),
    "del": re.compile(r"del\b(?P<names>[^\n;]*)"),
    #: ``for a, (b, c) in`` (statements and comprehensions).
    "for": re.compile(r"for\b(?P<names>[^\n]*?)\bin\b"),
    #: ``lambda a, b=1, *c:``.
    "lambda": re.compile(r"lambda\b(?P<parameters>[^:\n]*):"),
    #: ``case <pattern>:`` lines of a ``match`` statement; every bare name may capture.
    "case": re.compile(r"case\b(?P<pattern>[^\n]*)"),
    #: ``type Alias = …`` (3.12).
    "type": re.compile(rf"type[ \t]+(?P<name>{_NAME})[ \t]*[\[=]"),
}
_STATEMENT_LEADS = frozenset({"case", "type"})
#: ``=`` and ``:``, whose statement (from the line start or ``;``) may bind its targets:
#: ``a, b = …``, ``x += 1``, ``name: int``, ``(name := value)``.
_EQUALS_OR_COLON = re.compile(r"[=:]")
#: Targets of an assignment: names, attributes, subscripts, tuples, starred names.
_TARGETS = re.compile(r"[ \t]*[\w(\[*][\w.\[\]\(\), \t*]*")
_AUGMENTED = "+-*/%@&|^<>"
#: A call among the targets means the ``=`` was a keyword argument's: ``f(x=1)``.
_CALL = re.compile(r"\w[ \t]*\(")
_ANNOTATED = re.compile(rf"[ \t]*({_NAME})[ \t]*")
_NAME_BEFORE = re.compile(rf"({_NAME})[ \t]*$")
#: ``import a.b, c as d`` and ``from m import x, y as z`` (the statement text).
_IMPORT_ITEM = re.compile(rf"\s*({_NAME}(?:\s*\.\s*{_NAME})*)(?:\s+as\s+({_NAME}))?\s*$")
_FROM = re.compile(
    rf"from\s*(\.*)\s*((?!import\b){_NAME}(?:\s*\.\s*{_NAME})*)?\s*\bimport\b\s*(.*)", re.DOTALL
)
_KEYWORDS = frozenset(
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield",
    }
)  # fmt: skip

#: The target of a name bound by something other than an import (a parameter, ...).
LOCAL = ""
#: The target of a name bound by a relative import: the package's own module.
RELATIVE = "."


def _anywhere(offset: int, line: int | None) -> bool:
    """Until told about the document: every binding site counts."""
    return True


_ANYWHERE = _anywhere


@dataclass(slots=True)
class Bindings:
    """Every name the document may bind, and what its imports bind names to.

    A binding found inside a string or a comment (a docstring saying "returns it as bytes")
    binds nothing: each name's binding sites are checked the first time the name is asked
    about, which costs a line's lexing per site instead of a pass over the whole document.
    """

    #: Name -> the qualified names its imports give it (``{"numpy"}`` for ``np``).
    imported: Mapping[str, frozenset[str]]
    #: Name -> offsets of the statements that may bind it otherwise (assignments, ...).
    local_sites: Mapping[str, tuple[int, ...]]
    #: The document has ``from m import *``: any unbound name may come from ``m``.
    star_import: bool
    #: Whether a binding at an offset counts on a line: it is code (not in a string or a
    #: comment) and in a scope that line sees (None: any line).
    counts: Callable[[int, int | None], bool] = field(default=_ANYWHERE, repr=False)
    _checked: dict[tuple[str, int | None], frozenset[str]] = field(default_factory=dict, repr=False)

    def targets(self, name: str, line: int | None = None) -> frozenset[str]:
        """What binds ``name`` (as seen on ``line``, or anywhere): the imports' qualified
        names, :data:`RELATIVE` for a relative import and :data:`LOCAL` for any other
        binding (a parameter, an assignment …); empty if unbound."""
        key = (name, line)
        found = self._checked.get(key)
        if found is None:
            found = self.imported.get(name, frozenset())
            if any(self.counts(offset, line) for offset in self.local_sites.get(name, ())):
                found = found | {LOCAL}
            self._checked[key] = found
        return found

    def import_target(self, name: str, line: int | None = None) -> str | None:
        """What ``name`` is (on ``line``) when only imports of one thing bind it."""
        targets = self.targets(name, line)
        if len(targets) != 1:
            return None
        (target,) = targets
        return None if target in (LOCAL, RELATIVE) else target

    def is_bound(self, name: str, line: int | None = None) -> bool:
        return bool(self.targets(name, line))

    def bound_only_locally(self, name: str, line: int | None = None) -> bool:
        """Bound by the code's own statements and by no import (``try: import ssl`` /
        ``except ImportError: ssl = None`` does import the module; a relative import
        imports what the package's module has, which may be a stdlib object)."""
        return self.targets(name, line) == frozenset({LOCAL})

    def qualify(self, dotted: str, line: int | None = None) -> str | None:
        """``np.array`` -> ``numpy.array`` when only imports of ``numpy`` bind ``np``."""
        head, dot, rest = dotted.partition(".")
        target = self.import_target(head, line)
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
        target = RELATIVE if dots or not module else f"{module}.{item.group(1)}"
        bound.setdefault(local, set()).add(target)
    return False


#: Passes over a big document run a line-aligned chunk at a time, so that another thread
#: (the event loop's) gets the interpreter between chunks; every pattern here is bounded by
#: its line, so no match is lost at a chunk's edge.
CHUNK = 1 << 20


def _matches(pattern: re.Pattern[str], code: str) -> Iterator[re.Match[str]]:
    start = 0
    while start < len(code):
        end = code.find("\n", start + CHUNK)
        end = len(code) if end < 0 else end + 1
        yield from pattern.finditer(code, start, end)
        start = end


def _starts_word(code: str, start: int, statement: bool) -> bool:
    """Whether a keyword found at ``start`` is a whole word (and, for soft keywords that
    begin a statement, the first thing on its line)."""
    if start and (code[start - 1].isalnum() or code[start - 1] == "_"):
        return False
    if not statement:
        return True
    line_start = code.rfind("\n", 0, start) + 1
    return not code[line_start:start].strip(" \t")


def _statement_targets(code: str, at: int) -> list[str]:
    """Names bound by the ``=`` or ``:`` at ``code[at]``, if it ends a statement's targets."""
    sign = code[at]
    after = code[at + 1 : at + 2]
    before = code[at - 1 : at] if at else ""
    if sign == ":":
        if after == "=":
            found = _NAME_BEFORE.search(code, max(0, at - 200), at)  # walrus
            return [found.group(1)] if found is not None else []
        head = _statement_head(code, at)
        annotated = _ANNOTATED.fullmatch(head)
        if annotated is None or annotated.group(1) in _KEYWORDS:
            return []
        return [annotated.group(1)]
    if after == "=" or before in ("=", "!", ":") or (before in "<>" and before):
        return []  # a comparison (``==``, ``!=``, ``<=``), or the walrus seen above
    head = _statement_head(code, at).rstrip(_AUGMENTED)
    if _TARGETS.fullmatch(head) is None or _CALL.search(head) is not None:
        return []
    return _names(head)


def _statement_head(code: str, at: int) -> str:
    """The text from the start of the statement holding ``at`` (its line start or ``;``)."""
    line_start = code.rfind("\n", 0, at) + 1
    semicolon = code.rfind(";", line_start, at)
    return code[max(line_start, semicolon + 1) : at]


def _without_imports(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the import statements blanked (newlines kept): their ``as`` names are
    recorded from the statements themselves."""
    pieces = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


@lru_cache(maxsize=8)
def _bindings_of(
    text: str, statements: tuple[str, ...], spans: tuple[tuple[int, int], ...]
) -> Bindings:
    """The binding index of one document version (its import statements from the scan)."""
    code = _without_imports(text, spans)
    local: dict[str, list[int]] = defaultdict(list)

    def add(names: Iterable[str], offset: int) -> None:
        for name in names:
            local[name].append(offset)

    for lead, pattern in _LEADS.items():
        for match in _matches(pattern, code):
            if not _starts_word(code, match.start(), lead in _STATEMENT_LEADS):
                continue
            groups = match.groupdict()
            at = match.start()
            if groups.get("name"):
                add((groups["name"],), at)
            if groups.get("open"):  # a def's parameters: recorded inside its header
                add(_parameters(code, match.end()), match.end())
            if groups.get("names"):
                add(_names(groups["names"]), at)
            if groups.get("parameters") is not None:
                add(_parameters(groups["parameters"] + ")", 0), at)
            if groups.get("pattern"):
                add(_case_names(groups["pattern"]), at)
    for match in _matches(_EQUALS_OR_COLON, code):
        add(_statement_targets(code, match.start()), match.start())
    imported: dict[str, set[str]] = {}
    star = False
    for statement in statements:
        star = _import_bindings(statement, imported) or star
    return Bindings(
        MappingProxyType({name: frozenset(t) for name, t in imported.items()}),
        MappingProxyType({name: tuple(offsets) for name, offsets in local.items()}),
        star,
    )


def document_bindings(document: Document) -> Bindings:
    """The binding index of a scanned document (cached per text)."""
    found = _bindings_of(
        document.text, tuple(document.import_statements), tuple(document.import_spans)
    )
    if found.counts is _ANYWHERE:
        found.counts = _SiteCheck(document)
    return found


class _SiteCheck:
    """Whether a binding site counts on a line (see ``Bindings.counts``)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.blocks: Blocks | None = None

    def __call__(self, offset: int, here: int | None) -> bool:
        line, column = position_of(self.document, offset)
        if inside_string(self.document, line, offset):
            return False
        if here is None:
            return True
        if self.blocks is None:
            self.blocks = blocks_of(self.document)
        return self.blocks.sees(line, column, here)
