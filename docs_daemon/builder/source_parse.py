"""One module's source to what it defines, documents, imports and exports — read with ``ast``,
never imported.

The result is plain data (picklable, so a process pool can produce it); how names are
re-exported across modules is decided later, with every module of the package in view.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docs_daemon.builder.docstring_markup import docstring_markdown
from docs_daemon.builder.source_signatures import (
    annotation_text,
    decorator_name,
    fields_signature,
    signature_text,
)
from docs_daemon.vocabulary import Kind

#: Nested classes are read this deep (``pkg.Outer.Inner.method``).
_MAX_CLASS_DEPTH = 3
#: Values shown for data are cut here: the shape, not a dump.
_MAX_VALUE = 200
#: Base names that make a class's plain assignments its members (enum values, choices).
_ENUM_BASES = re.compile(r"(?:Enum|Flag|Choices)$")
_DATACLASS_DECORATORS = {"dataclass", "dataclasses.dataclass", "attr.s", "attrs.define"}
_DEPRECATED = re.compile(r"^\s*(?:\.\. deprecated::|deprecated\b)", re.IGNORECASE | re.MULTILINE)
_CLASS_VAR = re.compile(r"^(?:typing\.|t\.)?ClassVar\b")


@dataclass(frozen=True, slots=True)
class Documented:
    """An object defined in the module; ``path`` is relative to it (``Template.render``)."""

    path: str
    kind: Kind
    signature: str
    body: str
    line: int
    deprecated: bool = False
    #: Classes: base classes as absolute dotted names where the module's imports tell them.
    bases: tuple[str, ...] = ()
    #: Classes with neither ``__init__`` nor ``__new__``: the signature comes from a base.
    inherits_signature: bool = False
    #: Module data without annotation or documentation: an entry only if ``__all__`` lists it.
    undocumented: bool = False


@dataclass(frozen=True, slots=True)
class Binding:
    """A module-level name bound by an import: ``module.attribute``, or ``module`` itself."""

    name: str
    module: str
    attribute: str | None
    #: ``import x as x`` / ``from m import x as x``: a re-export by convention.
    explicit: bool


@dataclass(frozen=True, slots=True)
class AllPart:
    """A piece of ``__all__``: literal names, or another module's ``__all__``."""

    names: tuple[str, ...] = ()
    module: str | None = None


@dataclass(slots=True)
class ModuleSource:
    """What one module file says about itself."""

    name: str
    file: str
    is_package: bool
    body: str = ""
    definitions: list[Documented] = field(default_factory=list)
    #: Every module-level name this module binds itself (documented or not), in order.
    defined: list[str] = field(default_factory=list)
    imports: list[Binding] = field(default_factory=list)
    star_imports: list[str] = field(default_factory=list)
    #: ``None`` when the module declares no ``__all__`` (or one that cannot be read).
    all_parts: list[AllPart] | None = None
    #: Why the file could not be read (then nothing else is set).
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class ParseJob:
    """One module to read, as sent to a worker process (which imports only this module)."""

    name: str
    file: Path
    is_package: bool
    with_docs: bool


def parse_job(job: ParseJob) -> ModuleSource:
    return read_module(job.name, job.file, is_package=job.is_package, with_docs=job.with_docs)


def read_module(name: str, file: Path, *, is_package: bool, with_docs: bool) -> ModuleSource:
    """Parse ``file`` as module ``name``; a file that does not parse sets ``problem``."""
    result = ModuleSource(name=name, file=str(file), is_package=is_package)
    try:
        source = file.read_bytes()
        tree = ast.parse(source, filename=str(file))
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError) as error:
        result.problem = _problem(error)
        return result
    lines = source.decode("utf-8", errors="replace").splitlines()
    _ModuleReader(result, lines, with_docs).read(tree)
    return result


def _problem(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"does not parse (line {error.lineno}: {error.msg})"
    if isinstance(error, OSError):
        return f"cannot be read: {error.strerror or error}"
    return f"does not parse: {type(error).__name__}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_statements(body: list[ast.stmt]) -> Iterator[tuple[int, ast.stmt, list[ast.stmt]]]:
    """Statements that run when the module loads, with their own block (for the statement
    after them): ``if``/``try`` branches are entered, ``if TYPE_CHECKING:`` is not."""
    for index, statement in enumerate(body):
        if isinstance(statement, ast.If):
            if not _is_type_checking(statement.test):
                yield from _runtime_statements(statement.body)
            yield from _runtime_statements(statement.orelse)
        elif isinstance(statement, ast.Try | ast.TryStar):
            for block in (statement.body, *(h.body for h in statement.handlers)):
                yield from _runtime_statements(block)
            yield from _runtime_statements(statement.orelse)
            yield from _runtime_statements(statement.finalbody)
        else:
            yield index, statement, body


class _ModuleReader:
    """Walks one module's tree once, filling a :class:`ModuleSource`."""

    def __init__(self, result: ModuleSource, lines: list[str], with_docs: bool) -> None:
        self.result = result
        self.lines = lines
        self.with_docs = with_docs
        self.package = result.name if result.is_package else result.name.rpartition(".")[0]
        self.seen: set[str] = set()
        #: Local names → absolute dotted names, for base classes.
        self.absolute: dict[str, str] = {}
        self._overloads: dict[int, dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]] = {}

    def overloads(
        self, block: list[ast.stmt]
    ) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
        """``@overload`` definitions of a block by name (read once per block)."""
        found = self._overloads.get(id(block))
        if found is None:
            found = {}
            for statement in block:
                if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef) and _is_overload(
                    statement
                ):
                    found.setdefault(statement.name, []).append(statement)
            self._overloads[id(block)] = found
        return found

    def markdown(self, docstring: str | None) -> str:
        if not self.with_docs or not docstring:
            return ""
        return docstring_markdown(docstring)

    def read(self, tree: ast.Module) -> None:
        self.result.body = self.markdown(ast.get_docstring(tree))
        for index, statement, block in _runtime_statements(tree.body):
            self.statement(index, statement, block)

    def bind(self, name: str) -> bool:
        """Record a module-level name; ``False`` when an earlier statement bound it already."""
        if name in self.seen:
            return False
        self.seen.add(name)
        return True

    def statement(self, index: int, statement: ast.stmt, block: list[ast.stmt]) -> None:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            self.imports(statement)
        elif isinstance(statement, ast.ClassDef):
            if self.bind(statement.name):
                self.result.defined.append(statement.name)
                self.absolute[statement.name] = f"{self.result.name}.{statement.name}"
                self.result.definitions.extend(self.class_entries(statement, statement.name, 0))
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(statement, block, index)
        elif isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            self.assignment(index, statement, block)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            self.all_call(statement.value)

    # Imports ------------------------------------------------------------------------------

    def imports(self, statement: ast.Import | ast.ImportFrom) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname is None:
                    # ``import a.b`` binds ``a``: the top module, nothing re-exported.
                    top = alias.name.partition(".")[0]
                    self.absolute.setdefault(top, top)
                    continue
                if self.bind(alias.asname):
                    explicit = alias.asname == alias.name.rpartition(".")[2]
                    self.result.imports.append(Binding(alias.asname, alias.name, None, explicit))
                    self.absolute.setdefault(alias.asname, alias.name)
            return
        module = self.absolute_module(statement)
        if module is None:
            return
        for alias in statement.names:
            if alias.name == "*":
                self.result.star_imports.append(module)
                continue
            local = alias.asname or alias.name
            if self.bind(local):
                explicit = alias.asname == alias.name
                self.result.imports.append(Binding(local, module, alias.name, explicit))
                self.absolute.setdefault(local, f"{module}.{alias.name}")

    def absolute_module(self, statement: ast.ImportFrom) -> str | None:
        if not statement.level:
            return statement.module
        parts = self.package.split(".")
        if statement.level - 1 >= len(parts):
            return None  # beyond the top package: cannot be resolved
        base = ".".join(parts[: len(parts) - (statement.level - 1)])
        return f"{base}.{statement.module}" if statement.module else base

    # ``__all__`` ----------------------------------------------------------------------------

    def all_value(self, node: ast.expr) -> list[AllPart] | None:
        """``[...]``, ``(...)``, ``a + b``, ``other.__all__``, a name imported as another
        module's ``__all__``; ``None`` for anything else (then ``__all__`` is unknown)."""
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            names = [
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            return [AllPart(names=tuple(names))] if len(names) == len(node.elts) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.all_value(node.left), self.all_value(node.right)
            return None if left is None or right is None else [*left, *right]
        if isinstance(node, ast.Attribute) and node.attr == "__all__":
            target = self.absolute.get(ast.unparse(node.value))
            return [AllPart(module=target)] if target else None
        if isinstance(node, ast.Name):
            binding = next((b for b in self.result.imports if b.name == node.id), None)
            if binding is not None and binding.attribute == "__all__":
                return [AllPart(module=binding.module)]
        return None

    def all_call(self, call: ast.Call) -> None:
        """``__all__.extend([...])`` / ``__all__.append("x")``."""
        function = call.func
        if not (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "__all__"
            and self.result.all_parts is not None
            and len(call.args) == 1
        ):
            return
        argument = call.args[0]
        if function.attr == "append":
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                self.result.all_parts.append(AllPart(names=(argument.value,)))
        elif function.attr == "extend":
            parts = self.all_value(argument)
            if parts is not None:
                self.result.all_parts.extend(parts)

    # Module-level assignments --------------------------------------------------------------

    def assignment(
        self,
        index: int,
        statement: ast.Assign | ast.AnnAssign | ast.AugAssign,
        block: list[ast.stmt],
    ) -> None:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if names == ["__all__"]:
            assert statement.value is not None or isinstance(statement, ast.AnnAssign)
            parts = self.all_value(statement.value) if statement.value is not None else None
            if isinstance(statement, ast.AugAssign):
                if self.result.all_parts is not None and parts is not None:
                    self.result.all_parts.extend(parts)
            else:
                self.result.all_parts = parts
            return
        if isinstance(statement, ast.AugAssign):
            return
        for name in names:
            if not self.bind(name):
                continue
            self.result.defined.append(name)
            self.absolute.setdefault(name, f"{self.result.name}.{name}")
            if name.startswith("__") and name.endswith("__"):
                continue
            entry = self.data_entry(name, statement, block, index, Kind.DATA, owner="")
            if entry is not None:
                self.result.definitions.append(entry)

    def data_entry(
        self,
        name: str,
        statement: ast.Assign | ast.AnnAssign,
        block: list[ast.stmt],
        index: int,
        kind: Kind,
        owner: str,
        *,
        keep_undocumented: bool = True,
    ) -> Documented | None:
        """``None`` for data with neither annotation nor documentation, unless kept."""
        docstring = _attribute_docstring(block, index) or _comment_doc(self.lines, statement)
        annotation = (
            annotation_text(statement.annotation) if isinstance(statement, ast.AnnAssign) else ""
        )
        if not docstring and not annotation and not keep_undocumented:
            return None
        body = ""
        if self.with_docs:
            display = f"{name}: {annotation}" if annotation else name
            if statement.value is not None:
                display += f" = {_source_text(self.lines, statement.value)}"
            body = f"```python\n{display}\n```"
        text = self.markdown(docstring)
        if text:
            body += f"\n\n{text}"
        return Documented(
            path=f"{owner}{name}",
            kind=kind,
            signature="",
            body=body,
            line=statement.lineno,
            deprecated=bool(docstring and _DEPRECATED.search(docstring)),
            undocumented=not docstring and not annotation,
        )

    # Functions -----------------------------------------------------------------------------

    def function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, block: list[ast.stmt], index: int
    ) -> None:
        if _is_overload(node):
            return  # collected with the implementation (or the last overload)
        if not self.bind(node.name):
            return
        self.result.defined.append(node.name)
        self.absolute.setdefault(node.name, f"{self.result.name}.{node.name}")
        self.result.definitions.append(self.function_entry(node, block, "", Kind.FUNCTION))

    def function_entry(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        block: list[ast.stmt],
        owner: str,
        kind: Kind,
    ) -> Documented:
        overloads = self.overloads(block).get(node.name, [])
        drop_first = kind in (Kind.METHOD, Kind.CLASSMETHOD, Kind.PROPERTY)
        signature = signature_text(node.args, node.returns, drop_first=drop_first, with_return=True)
        docstring = ast.get_docstring(node) or next(
            (d for d in (ast.get_docstring(o) for o in overloads) if d), None
        )
        body = self.markdown(docstring)
        if overloads and self.with_docs:
            shown = "\n".join(
                f"{node.name}"
                + signature_text(o.args, o.returns, drop_first=drop_first, with_return=True)
                for o in overloads
            )
            body = f"{body}\n\n**Overloads**\n\n```python\n{shown}\n```".strip()
        if kind is Kind.PROPERTY:
            signature = ""
        deprecated = any(decorator_name(d).endswith("deprecated") for d in node.decorator_list)
        return Documented(
            path=f"{owner}{node.name}",
            kind=kind,
            signature=signature,
            body=body,
            line=node.lineno,
            deprecated=deprecated or bool(docstring and _DEPRECATED.search(docstring)),
        )

    # Classes -------------------------------------------------------------------------------

    def class_entries(self, node: ast.ClassDef, path: str, depth: int) -> list[Documented]:
        bases = tuple(self.base_name(b) for b in node.bases)
        members: list[Documented] = []
        seen: set[str] = set()
        init: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        new: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        enum_like = any(_ENUM_BASES.search(b) for b in bases)
        fields: list[tuple[str, str, str | None]] = []
        for index, statement in enumerate(node.body):
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                if statement.name == "__init__" and init is None:
                    init = statement
                    members.extend(self.instance_attributes(statement, path, seen))
                elif statement.name == "__new__" and new is None:
                    new = statement
                member = self.member(statement, node.body, path)
                if member is not None and member.path not in seen:
                    seen.add(member.path)
                    members.append(member)
            elif isinstance(statement, ast.ClassDef):
                if depth < _MAX_CLASS_DEPTH and f"{path}.{statement.name}" not in seen:
                    seen.add(f"{path}.{statement.name}")
                    members.extend(
                        self.class_entries(statement, f"{path}.{statement.name}", depth + 1)
                    )
            elif isinstance(statement, ast.Assign | ast.AnnAssign):
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                for target in targets:
                    if not isinstance(target, ast.Name) or target.id.startswith("__"):
                        continue
                    entry = self.data_entry(
                        target.id, statement, node.body, index, Kind.ATTRIBUTE, f"{path}.",
                        keep_undocumented=enum_like,
                    )  # fmt: skip
                    if isinstance(statement, ast.AnnAssign):
                        annotation = annotation_text(statement.annotation)
                        if not _CLASS_VAR.match(annotation):
                            default = (
                                _source_text(self.lines, statement.value)
                                if statement.value
                                else None
                            )
                            fields.append((target.id, annotation, default))
                    if entry is not None and entry.path not in seen:
                        seen.add(entry.path)
                        members.append(entry)
        docstring = ast.get_docstring(node)
        if not docstring and init is not None:
            docstring = ast.get_docstring(init)
        decorators = {decorator_name(d) for d in node.decorator_list}
        constructor = init or new
        inherits = False
        if constructor is not None:
            signature = signature_text(constructor.args, None, drop_first=True, with_return=False)
        elif decorators & _DATACLASS_DECORATORS or any(b.endswith("NamedTuple") for b in bases):
            signature = fields_signature(fields)
        else:
            signature, inherits = "", True
        kind = Kind.EXCEPTION if any(_looks_like_exception(b) for b in bases) else Kind.CLASS
        entry = Documented(
            path=path,
            kind=kind,
            signature=signature,
            body=self.markdown(docstring),
            line=node.lineno,
            deprecated=any(d.endswith("deprecated") for d in decorators)
            or bool(docstring and _DEPRECATED.search(docstring)),
            bases=bases,
            inherits_signature=inherits,
        )
        return [entry, *members]

    def base_name(self, node: ast.expr) -> str:
        """A base class as an absolute dotted name when the module's bindings tell it."""
        if isinstance(node, ast.Subscript):  # Generic[T], Base[int]
            node = node.value
        text = ast.unparse(node)
        head, dot, rest = text.partition(".")
        absolute = self.absolute.get(head)
        return f"{absolute}{dot}{rest}" if absolute else text

    def member(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, block: list[ast.stmt], owner: str
    ) -> Documented | None:
        decorators = [decorator_name(d) for d in node.decorator_list]
        last = [d.rpartition(".")[2] for d in decorators]
        if _is_overload(node) or any(
            d.endswith((".setter", ".deleter", ".getter")) for d in decorators
        ):
            return None
        if node.name.startswith("__") and node.name.endswith("__") and node.name != "__call__":
            return None
        if any(d.endswith("property") for d in last):
            kind = Kind.PROPERTY
        elif "staticmethod" in last:
            kind = Kind.STATICMETHOD
        elif "classmethod" in last:
            kind = Kind.CLASSMETHOD
        else:
            kind = Kind.METHOD
        return self.function_entry(node, block, f"{owner}.", kind)

    def instance_attributes(
        self, init: ast.FunctionDef | ast.AsyncFunctionDef, owner: str, seen: set[str]
    ) -> list[Documented]:
        """``self.x = ...`` in ``__init__`` with a ``#:`` comment or a docstring after it."""
        found: list[Documented] = []
        for index, statement in enumerate(init.body):
            if not isinstance(statement, ast.Assign | ast.AnnAssign):
                continue
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if not (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    continue
                path = f"{owner}.{target.attr}"
                docstring = _attribute_docstring(init.body, index) or _comment_doc(
                    self.lines, statement
                )
                if not docstring or path in seen:
                    continue
                seen.add(path)
                entry = self.data_entry(
                    target.attr, statement, init.body, index, Kind.ATTRIBUTE, f"{owner}."
                )
                if entry is not None:
                    found.append(entry)
        return found


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(decorator_name(d).rpartition(".")[2] == "overload" for d in node.decorator_list)


def _looks_like_exception(base: str) -> bool:
    """A base named like an exception; bases from the same package are followed later."""
    last = base.rpartition(".")[2]
    return last in _BUILTIN_EXCEPTIONS or last.endswith(("Error", "Exception", "Warning"))


_BUILTIN_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


def _source_text(lines: list[str], node: ast.expr) -> str:
    """An expression as written (whitespace runs collapsed), cut at ``_MAX_VALUE``; cheaper
    than ``ast.unparse`` and true to the author's spelling. Offsets are UTF-8 bytes."""
    end_line = node.end_lineno or node.lineno
    last = min(end_line, node.lineno + 8)
    chunk = [line.encode() for line in lines[node.lineno - 1 : last]]
    if not chunk:
        return ast.unparse(node)
    if last == end_line and node.end_col_offset is not None:
        chunk[-1] = chunk[-1][: node.end_col_offset]
    chunk[0] = chunk[0][node.col_offset :]
    text = " ".join(b"\n".join(chunk).decode("utf-8", errors="replace").split())
    if last != end_line or len(text) > _MAX_VALUE:
        text = text[: _MAX_VALUE - 1] + "…"
    return text


def _attribute_docstring(block: list[ast.stmt], index: int) -> str | None:
    """The string literal right after an assignment (Sphinx's attribute docstring)."""
    if index + 1 < len(block):
        after = block[index + 1]
        if (
            isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            return inspect.cleandoc(after.value.value)
    return None


def _comment_doc(lines: list[str], statement: ast.stmt) -> str | None:
    """``#:`` comments above an assignment, or one after it on the same line (Sphinx)."""
    row = statement.lineno - 1
    if row < len(lines):
        _, marker, trailing = lines[row].partition("#:")
        if marker and trailing.strip():
            return trailing.strip()
    comments: list[str] = []
    row -= 1
    while row >= 0 and lines[row].lstrip().startswith("#:"):
        comments.append(lines[row].lstrip()[2:].strip())
        row -= 1
    return "\n".join(reversed(comments)).strip() or None
