"""From the oracle's raw definitions to a verdict: the target's category and, for the standard
library, the documented qualified name a right hover shows (read from the docs database)."""

from __future__ import annotations

import importlib
import inspect
import sqlite3
import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from realcode.corpus import package_of
from realcode.oracle import Raw
from realcode.sites import STDLIB_MODULES

#: Categories of a target. ``not-in-docs`` is a stdlib/builtin target without an entry.
DOCUMENTED = ("stdlib", "builtin")
CATEGORIES = ("stdlib", "builtin", "not-in-docs", "third-party", "same-package", "undecided")
CATEGORY_LABELS = {
    "stdlib": "stdlib (documented)",
    "builtin": "builtin (documented)",
    "not-in-docs": "stdlib/builtin, not in the docs",
    "third-party": "third-party",
    "same-package": "same package (incl. same file)",
    "undecided": "oracle undecided",
}

#: Private or platform modules and classes whose public, documented spelling differs.
ALIASES = {
    "setuptools._distutils": "distutils",
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "_collections_abc": "collections.abc",
    "typing_extensions": "typing",
    "_hashlib.HASH": "hashlib.hash",
    "_hashlib.HASHXOF": "hashlib.shake",
    "hashlib._Hash": "hashlib.hash",
    "_thread._local": "threading.local",
    "_thread.RLock": "threading.RLock",
    "_thread.lock": "threading.Lock",
    "_thread.LockType": "threading.Lock",
    # The docs describe set's methods once, under frozenset (and note which are set's only).
    "set": "frozenset",
    "_pydecimal": "decimal",
    "re._compiler": "re",
    "sre_compile": "re",
    "_sre": "re",
}
#: Modules never imported to walk class bases (importing them has effects).
_NO_IMPORT = frozenset({"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo"})
DECORATORS = frozenset(
    {"builtins.classmethod", "builtins.staticmethod", "builtins.property", "functools.partial"}
)
#: setuptools installs its own copy of distutils in place of the stdlib's (same API).
DISTUTILS_COPY = "setuptools/_distutils/"
_STDLIB_PATH = sysconfig.get_paths()["stdlib"]


@dataclass(frozen=True, slots=True)
class Verdict:
    category: str
    #: The documented qualified name (stdlib and builtin categories only).
    target: str | None
    #: What the oracle said, for people reading the report.
    said: str
    #: The oracle's full name of a third-party or same-package target: a server that documents
    #: installed libraries is right to show exactly that entry.
    name: str | None = None


class DocsNames:
    """The qualified names of the bundled database, and the oracle's names mapped onto them."""

    def __init__(self, database: Path) -> None:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            rows = connection.execute("SELECT qualname, name FROM entries").fetchall()
        self.entries = frozenset(row[0] for row in rows)
        #: Last parts of the qualified names: a documented target is always one of these.
        self.names = frozenset(row[1] for row in rows)

    def documented(self, full_name: str) -> str | None:
        """``builtins.str.split`` -> ``str.split``; ``_io.TextIOWrapper.write`` ->
        ``io.TextIOBase.write`` (walking the class's bases); None when nothing is documented."""
        return self._documented(full_name)

    @cache  # noqa: B019 - one instance per run
    def _documented(self, full_name: str) -> str | None:
        for spelling in _spellings(full_name):
            if spelling in self.entries:
                return spelling
        owner, _, member = full_name.rpartition(".")
        if not owner:
            return None
        for base in _bases(owner):
            for spelling in _spellings(f"{base}.{member}"):
                if spelling in self.entries:
                    return spelling
        return None


def _spellings(full_name: str) -> list[str]:
    """Ways the docs may spell a name: without ``builtins.``, aliases, private parts public,
    private or implementation submodules dropped (``asyncio.events.X`` -> ``asyncio.X``)."""
    parts = full_name.split(".")
    if parts[0] == "builtins" and len(parts) > 1:
        parts = parts[1:]
    found = [".".join(parts)]
    for index in range(len(parts), 0, -1):
        alias = ALIASES.get(".".join(parts[:index]))
        if alias is not None:
            found.append(".".join([alias, *parts[index:]]))
            break
    public = [part if part.startswith("__") else part.lstrip("_") or part for part in parts]
    found.append(".".join(public))
    for spelled in list(found):
        pieces = spelled.split(".")
        for drop in range(1, len(pieces) - 1):
            found.append(".".join(pieces[:drop] + pieces[drop + 1 :]))
    return list(dict.fromkeys(found))


@cache
def _bases(owner: str) -> tuple[str, ...]:
    """The base classes of a stdlib class (runtime MRO, the class itself excluded)."""
    parts = owner.split(".")
    if parts[0] not in STDLIB_MODULES | {"builtins"} and parts[0].lstrip("_") not in (
        STDLIB_MODULES
    ):
        parts = ["builtins", *parts]
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        if module_name.split(".")[0] in _NO_IMPORT:
            return ()
        try:
            value: object = importlib.import_module(module_name)
        except Exception:  # not importable here (platform module, stub-only name)
            continue
        try:
            for attribute in parts[split:]:
                value = getattr(value, attribute)
        except AttributeError:
            return ()
        if not inspect.isclass(value):
            return ()
        return tuple(f"{base.__module__}.{base.__qualname__}" for base in value.__mro__[1:])
    return ()


def verdict(raw: Raw, site_path: str, root: Path, names: DocsNames) -> Verdict:
    """One verdict for one position; several definitions must agree or it is undecided."""
    if not raw:
        return Verdict("undecided", None, "no definition")
    found = {_one(definition, site_path, root, names) for definition in raw}
    if len(found) == 1:
        return found.pop()
    said = "; ".join(sorted(v.said for v in found))
    categories = {v.category for v in found}
    if categories <= {"third-party", "same-package", "not-in-docs"}:
        first = sorted(found, key=lambda v: CATEGORIES.index(v.category))[0]
        return Verdict(first.category, None, said)  # no one name to be right with
    return Verdict("undecided", None, f"disagreeing definitions: {said}")


def _one(
    definition: dict[str, str | None], site_path: str, root: Path, names: DocsNames
) -> Verdict:
    error = definition.get("error")
    if error:
        return Verdict("undecided", None, f"jedi: {error}")
    full_name = definition.get("full_name")
    module = definition.get("module") or ""
    path = definition.get("path") or ""
    said = f"{full_name or '?'} ({definition.get('type')}, {module or '?'})"
    if definition.get("type") == "instance" and full_name in DECORATORS:
        # jedi sometimes answers a decorated method with its decorator's object
        # (``_PassArg.from_obj`` -> a ``classmethod`` instance): not the name's target.
        return Verdict("undecided", None, f"decorator object: {said}")
    where = _where(path, module, full_name, site_path, root)
    if where not in DOCUMENTED:
        return Verdict(where, None, said, full_name)
    if not full_name:
        return Verdict("undecided", None, said)
    target = names.documented(full_name)
    if target is None:
        return Verdict("not-in-docs", None, said)
    return Verdict(where, target, said)


def _where(path: str, module: str, full_name: str | None, site_path: str, root: Path) -> str:
    if path:
        if "/typeshed/stdlib/" in path:
            return "builtin" if module == "builtins" else "stdlib"
        resolved = Path(path)
        if resolved.is_relative_to(root):
            relative = resolved.relative_to(root).as_posix()
            if relative.startswith(DISTUTILS_COPY):
                return "stdlib"  # setuptools' distutils, which Python 3.11 documents
            same = package_of(relative) == package_of(site_path)
            return "same-package" if same else "third-party"
        if path.startswith(_STDLIB_PATH) and "site-packages" not in path:
            return "stdlib"
        return "third-party"  # third-party stubs shipped with jedi, other installs
    if module == "builtins":
        return "builtin"
    top = (full_name or module).split(".")[0]
    if top in STDLIB_MODULES or top.lstrip("_") in STDLIB_MODULES:
        return "stdlib"
    return "undecided"


class LibraryNames:
    """The aliases of the docsets a server built into its library while it was measured:
    where a package re-exports an object, the name its docset documents it under."""

    def __init__(self, library: Path) -> None:
        self.aliases: dict[str, str] = {}
        self.entries: set[str] = set()
        for database in sorted(library.glob("*.sqlite")) if library.is_dir() else ():
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
                self.aliases.update(connection.execute("SELECT alias, qualname FROM aliases"))
                self.entries.update(
                    row[0] for row in connection.execute("SELECT qualname FROM entries")
                )

    def other_names(self, full_name: str | None) -> frozenset[str]:
        """The documented names of ``full_name`` (itself, or through an owner's alias)."""
        if not full_name:
            return frozenset()
        found = set()
        if full_name in self.aliases:
            found.add(self.aliases[full_name])
        parts = full_name.split(".")
        for cut in range(len(parts) - 1, 1, -1):
            owner = ".".join(parts[:cut])
            if owner in self.aliases:
                found.add(self.aliases[owner] + full_name[len(owner) :])
                break
        # As for the stdlib (``_spellings``): jedi names an attribute set in a method after the
        # method (``click.core.Context.__init__.obj``); the docs, after the class.
        for name in [full_name, *found]:
            pieces = name.split(".")
            for drop in range(1, len(pieces) - 1):
                shorter = ".".join(pieces[:drop] + pieces[drop + 1 :])
                if shorter in self.entries:
                    found.add(shorter)
        return frozenset(found)
