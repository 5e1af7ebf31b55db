"""What each imported name in a document stands for (``np.array`` means ``numpy.array``).

Import statements are found by the document scan rather than by ``ast``: parsing a 5,000-line
file takes ~35 ms and fails outright on code being edited, while the scan takes a few
milliseconds and reads every import, whatever state the rest of the file is in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from docs_daemon.python_source.document import scan

_DOTTED = r"[^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*"
_IMPORT = re.compile(r"import\s+(?P<names>.*)", re.DOTALL)
_FROM = re.compile(rf"from\s+(?P<module>{_DOTTED})\s+import\s*(?P<names>.*)", re.DOTALL)
_ITEM = re.compile(rf"\s*(?P<name>{_DOTTED})(?:\s+as\s+(?P<alias>[^\W\d]\w*))?\s*$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Imports:
    """The names a document's imports bind, each mapped to the qualified name it stands for."""

    #: Local name -> qualified name: ``np`` -> ``numpy``, ``path`` -> ``os.path``,
    #: ``OD`` -> ``collections.OrderedDict``, ``os`` -> ``os`` (``import os.path`` binds ``os``).
    aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Every module the document imports, dotted (``os.path`` for ``import os.path``).
    modules: frozenset[str] = frozenset()

    def qualify(self, dotted: str) -> str | None:
        """``np.array`` -> ``numpy.array``; None when the first component is not imported."""
        head, dot, rest = dotted.partition(".")
        qualified = self.aliases.get(head)
        if qualified is None:
            return None
        return f"{qualified}{dot}{rest}"


def parse_imports(source: str) -> Imports:
    """Every import in the document: top level, in functions, in ``try``/``except`` blocks.

    Later imports of a name win, as they do when the module runs top to bottom. Relative
    imports and ``*`` imports bind nothing that documentation could be found under.
    """
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    for statement in scan(source).import_statements:
        _read_statement(statement, aliases, modules)
    return Imports(MappingProxyType(aliases), frozenset(modules))


def _dotted(text: str) -> str:
    return _SPACES.sub("", text)


def _items(names: str) -> list[tuple[str, str | None]]:
    """``a.b as c, d`` -> ``[("a.b", "c"), ("d", None)]``; unreadable items are skipped."""
    names = names.strip()
    if names.startswith("("):
        names = names[1:]
        names = names.split(")", 1)[0]
    items: list[tuple[str, str | None]] = []
    for piece in names.split(","):
        match = _ITEM.match(piece)
        if match is not None:
            items.append((_dotted(match.group("name")), match.group("alias")))
    return items


def _read_statement(statement: str, aliases: dict[str, str], modules: set[str]) -> None:
    if statement.startswith("import"):
        match = _IMPORT.match(statement)
        if match is None:
            return
        for name, alias in _items(match.group("names")):
            modules.add(name)
            if alias is not None:
                aliases[alias] = name
            else:
                head = name.split(".", 1)[0]
                aliases[head] = head
        return
    match = _FROM.match(statement)
    if match is None:
        return
    module = _dotted(match.group("module"))
    modules.add(module)
    for name, alias in _items(match.group("names")):
        if "." not in name:  # ``from m import a.b`` is not Python
            aliases[alias or name] = f"{module}.{name}"
