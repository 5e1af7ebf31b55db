"""The names a package publishes its objects under, from its modules' imports and ``__all__``.

``jinja2/__init__.py`` does ``from .environment import Template as Template``: the object
defined as ``jinja2.environment.Template`` is published as ``jinja2.Template``. Every way of
spelling an object (its definition, each re-export) is collected; the preferred one is the
public spelling with the fewest dots, the definition winning a tie. The others become aliases.

Re-exports counted: names in ``__all__``; without ``__all__``, in a package's ``__init__`` every
public name imported from the same distribution, and in a plain module only the
``import x as x`` convention. ``from m import *`` follows Python's rule (``__all__``, else
every public name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from docs_daemon.builder.source_parse import AllPart, ModuleSource

#: Re-export chains longer than this are cycles or pathological.
_MAX_HOPS = 30


@dataclass(frozen=True, slots=True)
class Target:
    """A module-level object where it is defined: ``Target("jinja2.environment", "Template")``."""

    module: str
    name: str

    @property
    def spelling(self) -> str:
        return f"{self.module}.{self.name}"


def is_private(dotted: str) -> bool:
    """Any component starting with ``_`` that is not a ``__dunder__``."""
    return any(
        part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
        for part in dotted.split(".")
    )


class PublicNames:
    """Spellings of every module-level object of one distribution's modules."""

    def __init__(self, modules: Mapping[str, ModuleSource]) -> None:
        self.modules = modules
        self.tops = {name.partition(".")[0] for name in modules}
        self._bindings: dict[str, dict[str, tuple[str, str | None]]] = {}
        self._all: dict[str, list[str] | None] = {}
        #: Objects some ``__all__`` names: explicitly public.
        self.listed: set[Target] = set()
        self.spellings: dict[Target, set[str]] = {}
        self._collect()
        self.canonical: dict[Target, str] = {
            target: _preferred(target, names) for target, names in self.spellings.items()
        }

    # What each module binds ------------------------------------------------------------------

    def declared_all(self, module: str, _active: frozenset[str] = frozenset()) -> list[str] | None:
        """The module's ``__all__`` as names, ``None`` when undeclared or not readable."""
        if module in self._all:
            return self._all[module]
        source = self.modules.get(module)
        if source is None or source.all_parts is None or module in _active:
            return None
        names: list[str] | None = []
        for part in source.all_parts:
            expanded = self._expand(part, _active | {module})
            if expanded is None or names is None:
                names = None
                break
            names.extend(expanded)
        self._all[module] = names
        return names

    def _expand(self, part: AllPart, active: frozenset[str]) -> list[str] | None:
        if part.module is None:
            return list(part.names)
        return self.declared_all(part.module, active)

    def bindings(self, module: str) -> dict[str, tuple[str, str | None]]:
        """Local name → (module, attribute) it comes from; attribute ``None`` for a module.
        A name the module defines itself maps to ``(module, name)``."""
        cached = self._bindings.get(module)
        if cached is not None:
            return cached
        source = self.modules[module]
        bound: dict[str, tuple[str, str | None]] = {}
        self._bindings[module] = bound  # guards star-import cycles
        for name in source.defined:
            bound.setdefault(name, (module, name))
        for binding in source.imports:
            bound.setdefault(binding.name, (binding.module, binding.attribute))
        for star in source.star_imports:
            if star in self.modules and star != module:
                for name in self.star_names(star):
                    bound.setdefault(name, (star, name))
        return bound

    def star_names(self, module: str) -> list[str]:
        """What ``from module import *`` binds: ``__all__``, else every public global."""
        declared = self.declared_all(module)
        if declared is not None:
            return declared
        return [name for name in self.bindings(module) if not name.startswith("_")]

    def exported(self, module: str) -> list[str]:
        """The names a module publishes (see the module docstring)."""
        declared = self.declared_all(module)
        if declared is not None:
            return declared
        source = self.modules[module]
        own = set(source.defined)
        explicit = {b.name for b in source.imports if b.explicit}
        names = []
        for name, (origin, _) in self.bindings(module).items():
            if name.startswith("_"):
                continue
            inside = origin.partition(".")[0] in self.tops
            if name in own or name in explicit or (source.is_package and inside):
                names.append(name)
        return names

    # Following re-exports ---------------------------------------------------------------------

    def resolve(self, module: str, name: str) -> Target | None:
        """Where ``module.name`` is defined, following imports inside the distribution;
        ``None`` for modules, objects of other distributions and names not found."""
        for _ in range(_MAX_HOPS):
            if module not in self.modules:
                return None
            origin = self.bindings(module).get(name)
            if origin is None:
                return None
            origin_module, attribute = origin
            if attribute is None:
                return None
            if origin_module == module and attribute == name:
                return Target(module, name) if name in self.modules[module].defined else None
            module, name = origin_module, attribute
        return None

    def resolve_dotted(self, dotted: str) -> tuple[Target, str] | None:
        """``jinja2.loaders.BaseLoader.Inner`` → (its target, ``".Inner"``): the longest
        module prefix, then the object, then the rest of the path inside it."""
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module in self.modules:
                target = self.resolve(module, parts[cut])
                if target is None:
                    return None
                rest = "".join(f".{p}" for p in parts[cut + 1 :])
                return target, rest
        return None

    def _collect(self) -> None:
        for module, source in self.modules.items():
            for name in source.defined:
                own = Target(module, name)
                self.spellings.setdefault(own, {own.spelling})
        for module in self.modules:
            declared = self.declared_all(module)
            for name in self.exported(module):
                target = self.resolve(module, name)
                if target is None:
                    continue
                if declared is not None:
                    self.listed.add(target)
                spelling = f"{module}.{name}"
                if spelling not in self.modules:  # ``from .render import render``: the
                    # module keeps its name, the function its definition
                    self.spellings.setdefault(target, {target.spelling}).add(spelling)

    def aliases(self) -> dict[str, str]:
        """Every other spelling of a module-level object → its preferred one."""
        return {
            spelling: self.canonical[target]
            for target, names in self.spellings.items()
            for spelling in names
            if spelling != self.canonical[target]
        }


def _preferred(target: Target, spellings: set[str]) -> str:
    """Public first, then fewest dots, then the definition itself, then alphabetical."""
    return min(
        spellings,
        key=lambda s: (is_private(s), s.count("."), s != target.spelling, s),
    )
