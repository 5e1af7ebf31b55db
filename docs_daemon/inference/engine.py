"""Type inference with jedi: what a name in the user's code is, in the docs' own names.

Runs inside the inference worker process (``worker.py``), never in the server's: jedi is pure
Python and holds the interpreter for milliseconds to a few hundred, which would stall every
other request if it shared the event loop's process. One ``jedi.Script`` per document
version keeps jedi's caches warm across the hovers of a file being read.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

import jedi

from docs_daemon.inference.jedi_adapter import FoundName, class_lineage
from docs_daemon.inference.naming import documented_names, is_stdlib

Origin = Literal["stdlib", "third-party", "local", "unknown"]

#: Documents whose jedi state is kept (the files being read right now).
KEPT_SCRIPTS = 16

_STDLIB_PATH = re.compile(
    r"[/\\](?:typeshed[/\\]stdlib|lib[/\\]python3\.\d+|Lib)[/\\](?!.*(?:site|dist)-packages)",
    re.IGNORECASE,
)
_THIRD_PARTY_PATH = re.compile(r"[/\\](?:site-packages|dist-packages|typeshed[/\\]stubs)[/\\]")


@dataclass(frozen=True, slots=True)
class Answer:
    """What inference found, in documented names, and where the object lives.

    Each group holds the spellings of one definition, best first. Several groups mean
    inference sees several possible objects (``str | bytes``): the caller must not pick one.
    ``fallback`` holds the receiver's classes' spellings of the member, tried only when no
    group is documented.
    """

    groups: tuple[tuple[str, ...], ...] = ()
    fallback: tuple[str, ...] = ()
    origin: Origin = "unknown"

    def to_wire(self) -> dict[str, Any]:
        return {
            "groups": [list(group) for group in self.groups],
            "fallback": list(self.fallback),
            "origin": self.origin,
        }


@dataclass(slots=True)
class _Document:
    revision: str
    path: str | None
    script: jedi.Script


@dataclass(slots=True)
class Engine:
    """jedi configured for one workspace: its root and the environment's import paths."""

    root: str | None = None
    sys_path: tuple[str, ...] = ()
    _documents: OrderedDict[str, _Document] = field(default_factory=OrderedDict)
    _project: jedi.Project | None = None
    _environment: Any = None

    def configure(self, root: str | None, sys_path: list[str]) -> None:
        self.root, self.sys_path = root, tuple(sys_path)
        self._project = None
        self._documents.clear()

    def _jedi_project(self) -> jedi.Project:
        if self._project is None:
            import sys

            own = [p for p in sys.path if p and not _THIRD_PARTY_PATH.search(p + "/")]
            self._project = jedi.Project(
                self.root or ".",
                sys_path=[*self.sys_path, *own],
                smart_sys_path=True,
                load_unsafe_extensions=False,
            )
            self._environment = jedi.InterpreterEnvironment()
        return self._project

    def has(self, uri: str, revision: str) -> bool:
        document = self._documents.get(uri)
        return document is not None and document.revision == revision

    def open(self, uri: str, revision: str, text: str, path: str | None) -> None:
        project = self._jedi_project()
        script = jedi.Script(text, path=path, project=project, environment=self._environment)
        self._documents[uri] = _Document(revision, path, script)
        self._documents.move_to_end(uri)
        while len(self._documents) > KEPT_SCRIPTS:
            self._documents.popitem(last=False)

    def forget(self, uri: str) -> None:
        self._documents.pop(uri, None)

    def _origin(self, found: FoundName, document: _Document) -> Origin:
        path = found.path
        if path is None:
            return "stdlib" if is_stdlib(found.module) else "unknown"
        if document.path is not None and path == document.path:
            return "local"
        if _STDLIB_PATH.search(path):
            return "stdlib"
        if _THIRD_PARTY_PATH.search(path):
            return "third-party"
        return "local"

    def name_at(
        self, uri: str, line: int, column: int, receiver: int | None = None, member: str = ""
    ) -> Answer:
        """What the name ending at ``line``/``column`` (0-based, code points) is documented as.

        When the definition found is the standard library's own but not documented under its
        own class, the classes that class inherits from are offered as ``fallback``, in
        method resolution order: the docs describe a method once, on the class introducing
        it (``OrderedDict().items`` is ``dict.items``). When nothing is found at all, the
        receiver's classes are (for ``receiver.member``, ``receiver`` being the column where
        the receiver expression ends on the same line). A definition in the user's code or a
        library is never replaced by a base class's namesake.
        """
        document = self._documents.get(uri)
        if document is None:
            return Answer()
        script = document.script
        groups: list[tuple[str, ...]] = []
        fallback: list[str] = []
        origins: list[Origin] = []
        relative = _bound_by_relative_import(script, line, column)
        for name in script.goto(line + 1, column, follow_imports=True):
            found = _found(name)
            if found is None:
                continue
            origin = self._origin(found, document)
            if relative and name.type == "module" and origin != "local":
                # ``from . import types`` is the package's own module: when it cannot be
                # found, jedi falls back to the absolute import, i.e. the stdlib's namesake.
                origins.append("local")
                continue
            if origin == "local" and _is_alias(name, document):
                # ``urlparse = parse.urlparse`` in another module of the package, reached
                # through an import: what it holds counts (a re-export).
                for inferred in script.infer(line + 1, column):
                    held = _found(inferred)
                    if held is not None and inferred.type in ("module", "class", "function"):
                        found, origin = held, self._origin(held, document)
                        break
            origins.append(origin)
            if origin in ("stdlib", "third-party"):
                spellings = tuple(_spellings(found))
                if spellings and spellings not in groups:
                    groups.append(spellings)
            if origin == "stdlib":
                fallback.extend(_inherited(name, found))
        if not origins and receiver is not None and member:
            for value in script.infer(line + 1, receiver):
                for base in class_lineage(value):
                    origins.append(self._origin(base, document))
                    fallback.extend(f"{name}.{member}" for name in _spellings(base))
        return Answer(tuple(groups), tuple(dict.fromkeys(fallback)), _strongest(origins))

    def classes_at(self, uri: str, line: int, column: int) -> Answer:
        """The documented names of the classes of the expression ending at ``column``, in
        method resolution order (one group per inferred value)."""
        document = self._documents.get(uri)
        if document is None:
            return Answer()
        groups: list[tuple[str, ...]] = []
        origins: list[Origin] = []
        for value in document.script.infer(line + 1, column):
            names: list[str] = []
            found = _found(value) if value.type == "module" else None
            lineage = [found] if found is not None else class_lineage(value)
            for base in lineage:
                origins.append(self._origin(base, document))
                names.extend(_spellings(base))
            if names and tuple(names) not in groups:
                groups.append(tuple(dict.fromkeys(names)))
        return Answer(tuple(groups), (), _strongest(origins))


def _found(name: Any) -> FoundName | None:
    full, module = name.full_name, name.module_name
    if not full:
        return None
    path = None if name.module_path is None else str(name.module_path)
    if module and full.startswith(module + "."):
        return _as_instance_attribute(name, FoundName(module, full[len(module) + 1 :], path))
    if name.type == "module":
        return FoundName(full, "", path)
    return FoundName("", full, path)


def _as_instance_attribute(name: Any, found: FoundName) -> FoundName:
    """``self.propagate = …`` in ``Logger.__init__``: jedi names it ``Logger.__init__.propagate``,
    the docs (and every reader) ``Logger.propagate``."""
    method, _, attribute = found.qualname.rpartition(".")
    owner, dot, function = method.rpartition(".")
    if name.type != "statement" or not dot:
        return found
    try:
        parent = name.parent()
        grandparent = None if parent is None else parent.parent()
        line = name.get_line_code()
    except Exception:  # jedi cannot tell: keep its name
        return found
    if (
        parent is None
        or parent.type != "function"
        or parent.name != function
        or grandparent is None
        or grandparent.type != "class"
        or not re.search(rf"\b\w+\.{re.escape(attribute)}\s*(?::[^=]*)?=(?!=)", line)
    ):
        return found
    return FoundName(found.module, f"{owner}.{attribute}", found.path)


def _spellings(found: FoundName) -> list[str]:
    if not found.qualname:
        return [documented_names("", found.module)[0]] if found.module else []
    return documented_names(found.module, found.qualname)


#: A whole statement that only gives another name to a dotted one: ``urlparse = parse.urlparse``.
_ALIAS_STATEMENT = re.compile(r"\s*[^\W\d]\w*\s*=\s*[^\W\d][\w.]*\s*(?:#.*)?")


def _is_alias(name: Any, document: _Document) -> bool:
    """Whether ``name`` is defined, in another module than the document, by an alias
    statement (in the document itself, ``time = datetime.time`` is the code's own name)."""
    path = None if name.module_path is None else str(name.module_path)
    if path is None or path == document.path or name.type != "statement":
        return False
    return _ALIAS_STATEMENT.fullmatch(name.get_line_code().rstrip("\n")) is not None


def _inherited(name: Any, found: FoundName) -> list[str]:
    """``found``'s member name on the classes its defining class inherits from."""
    member = found.qualname.rpartition(".")[2]
    if "." not in found.qualname or not member:
        return []
    try:
        owner = name.parent()
    except Exception:  # jedi cannot tell: no fallback
        return []
    if owner is None or owner.type != "class":
        return []
    spellings: list[str] = []
    for base in class_lineage(owner)[1:]:
        spellings.extend(f"{spelled}.{member}" for spelled in _spellings(base))
    return spellings


#: ``from . import types`` / ``from .. import types``: a submodule of the package.
_PACKAGE_SUBMODULE = re.compile(r"\s*from\s+\.+\s+import\b")


def _bound_by_relative_import(script: jedi.Script, line: int, column: int) -> bool:
    """Whether the name at the position is a submodule imported with ``from . import``."""
    return any(
        _PACKAGE_SUBMODULE.match(name.get_line_code())
        for name in script.goto(line + 1, column)
        if name.type == "module"
    )


def _strongest(origins: list[Origin]) -> Origin:
    """Where the object lives: the first definition inference found decides."""
    return origins[0] if origins else "unknown"
