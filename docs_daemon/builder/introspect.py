"""An importable package to a :class:`Docset`, for libraries that ship no HTML docs.

Imports the module and its public submodules, then documents public members (``__all__``
when a module declares it) from their docstrings and ``inspect.signature``.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import inspect
import io
import pkgutil
import types
from collections.abc import Iterator
from dataclasses import dataclass, field

from docs_daemon.builder.docstrings import docstring_to_markdown, first_paragraph
from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.schema import Kind

#: Nested classes are followed this deep (``pkg.Outer.Inner.method``), against cycles.
_MAX_CLASS_DEPTH = 3
#: Reprs of module constants are cut here: a hover needs the value's shape, not a dump.
_MAX_REPR = 200


@dataclass(slots=True)
class _Collector:
    """Entries gathered so far, keyed by qualified name (first definition wins)."""

    entries: dict[str, DocEntry] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, entry: DocEntry) -> None:
        self.entries.setdefault(entry.qualname, entry)


def build_module_docset(
    module_name: str,
    *,
    name: str | None,
    version: str | None,
    base_url: str | None,
    progress: Progress,
) -> Docset:
    """Document ``module_name`` and its importable public submodules."""
    top = _import(module_name)
    collector = _Collector()
    names = [module_name, *_public_submodules(top, collector)]
    progress.start("modules", len(names))
    try:
        for submodule_name in names:
            module = (
                top if submodule_name == module_name else _try_import(submodule_name, collector)
            )
            if module is not None:
                _document_module(module, collector, base_url or "")
            progress.advance()
    finally:
        progress.finish()
    return Docset(
        name=name or module_name,
        version=version if version is not None else _distribution_version(top),
        base_url=base_url or "",
        source=f"module:{module_name}",
        entries=list(collector.entries.values()),
        warnings=collector.warnings,
    )


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """Modules that print on import must not garble the build's own output."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _import(module_name: str) -> types.ModuleType:
    try:
        with _silenced():
            return importlib.import_module(module_name)
    except (Exception, SystemExit) as error:
        detail = str(error).strip() or type(error).__name__
        raise BuildError(f"cannot import module {module_name!r}: {detail}") from None


def _try_import(module_name: str, collector: _Collector) -> types.ModuleType | None:
    try:
        return _import(module_name)
    except BuildError as error:
        collector.warnings.append(f"skipped submodule: {error}")
        return None


def _is_public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


def _public_submodules(top: types.ModuleType, collector: _Collector) -> list[str]:
    """Public submodule names; a package whose import fails during the walk is skipped."""
    path = getattr(top, "__path__", None)
    if path is None:
        return []

    def failed(name: str) -> None:
        collector.warnings.append(f"skipped submodule {name}: import failed")

    found: list[str] = []
    with _silenced():
        for info in pkgutil.walk_packages(path, prefix=top.__name__ + ".", onerror=failed):
            if _is_public(info.name[len(top.__name__) + 1 :]):
                found.append(info.name)
    return sorted(set(found))


def _distribution_version(module: types.ModuleType) -> str:
    top_name = module.__name__.partition(".")[0]
    for distribution in importlib.metadata.packages_distributions().get(top_name, []):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return importlib.metadata.version(distribution)
    return str(getattr(module, "__version__", "") or "")


def _public_names(module: types.ModuleType) -> list[str]:
    """``__all__`` when declared, else the public names a module defines or re-exports.

    Without ``__all__``: names defined in the module itself, UPPER_CASE constants, and for a
    package the objects it re-exports from its own submodules (``sqlalchemy.create_engine``).
    """
    declared = getattr(module, "__all__", None)
    if isinstance(declared, list | tuple):
        return [str(n) for n in declared if isinstance(n, str) and hasattr(module, n)]
    is_package = hasattr(module, "__path__")
    names = []
    for member_name, value in vars(module).items():
        if member_name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        defined_in = getattr(value, "__module__", None)
        own = defined_in == module.__name__
        re_exported = (
            is_package
            and isinstance(defined_in, str)
            and defined_in.startswith(module.__name__ + ".")
        )
        constant = (
            not callable(value) and defined_in in (None, "builtins") and member_name.isupper()
        )
        if own or re_exported or constant:
            names.append(member_name)
    return names


def _document_module(module: types.ModuleType, collector: _Collector, url: str) -> None:
    qualname = module.__name__
    parent = qualname.rpartition(".")[0] or None
    body = docstring_to_markdown(inspect.getdoc(module) or "")
    collector.add(_entry(qualname, Kind.MODULE, parent, "", body, url))
    for member_name in _public_names(module):
        try:
            value = getattr(module, member_name)
        except Exception as error:  # lazy module attributes can fail like imports do
            collector.warnings.append(f"skipped {qualname}.{member_name}: {error}")
            continue
        _document_value(f"{qualname}.{member_name}", value, qualname, collector, url, depth=0)


def _document_value(
    qualname: str, value: object, parent: str, collector: _Collector, url: str, *, depth: int
) -> None:
    if isinstance(value, type):
        kind = Kind.EXCEPTION if issubclass(value, BaseException) else Kind.CLASS
        collector.add(_entry(qualname, kind, parent, _signature(value), _doc(value), url))
        if depth < _MAX_CLASS_DEPTH:
            _document_class_members(qualname, value, collector, url, depth=depth + 1)
    elif inspect.isroutine(value):
        collector.add(_entry(qualname, Kind.FUNCTION, parent, _signature(value), _doc(value), url))
    elif not isinstance(value, types.ModuleType):
        collector.add(_entry(qualname, Kind.DATA, parent, "", _value_body(qualname, value), url))


def _document_class_members(
    qualname: str, cls: type, collector: _Collector, url: str, *, depth: int
) -> None:
    """Members defined on the class itself (inherited ones are documented on their class)."""
    for member_name, raw in vars(cls).items():
        if member_name.startswith("_"):
            continue
        member = f"{qualname}.{member_name}"
        if isinstance(raw, type):
            _document_value(member, raw, qualname, collector, url, depth=depth)
        elif isinstance(raw, classmethod | staticmethod):
            kind = Kind.CLASSMETHOD if isinstance(raw, classmethod) else Kind.STATICMETHOD
            function = raw.__func__
            signature = _signature(function, drop_first=kind is Kind.CLASSMETHOD)
            collector.add(_entry(member, kind, qualname, signature, _doc(function), url))
        elif isinstance(raw, property):
            collector.add(_entry(member, Kind.PROPERTY, qualname, "", _doc(raw), url))
        elif inspect.isroutine(raw):
            signature = _signature(raw, drop_first=True)
            collector.add(_entry(member, Kind.METHOD, qualname, signature, _doc(raw), url))
        elif not callable(raw):
            body = _value_body(member, raw)
            collector.add(_entry(member, Kind.ATTRIBUTE, qualname, "", body, url))


def _signature(value: object, *, drop_first: bool = False) -> str:
    """``(a, b=1) -> str`` as ``inspect.signature`` renders it; ``""`` where it cannot."""
    try:
        signature = inspect.signature(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    parameters = list(signature.parameters.values())
    if drop_first and parameters:
        parameters = parameters[1:]
    signature = signature.replace(
        parameters=[p.replace(annotation=_unquoted(p.annotation)) for p in parameters],
        return_annotation=_unquoted(signature.return_annotation),
    )
    return str(signature)


class _Annotation:
    """An annotation kept as source text (``from __future__ import annotations``), shown as
    written instead of as a quoted string; evaluating it could fail or run code."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _unquoted(annotation: object) -> object:
    return _Annotation(annotation) if isinstance(annotation, str) else annotation


def _doc(value: object) -> str:
    return docstring_to_markdown(inspect.getdoc(value) or "")


def _value_body(qualname: str, value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not stop the build
        text = f"<{type(value).__name__} object>"
    if len(text) > _MAX_REPR:
        text = text[: _MAX_REPR - 1] + "…"
    name = qualname.rpartition(".")[2]
    return f"```python\n{name} = {text}\n```\n\nA `{type(value).__name__}` value."


def _entry(
    qualname: str, kind: Kind, parent: str | None, signature: str, body: str, url: str
) -> DocEntry:
    deprecated = ".. deprecated::" in body or body.lower().startswith("deprecated")
    return DocEntry(
        qualname=qualname,
        name=qualname.rpartition(".")[2],
        kind=kind,
        parent=parent,
        signature=signature,
        summary=first_paragraph(body),
        body=body,
        url=url,
        deprecated=deprecated,
    )
