"""Hover positions read from source with ``ast`` and ``symtable``: every name a file uses, the
shape of how it reaches its target, and the names that shadow a builtin or stdlib module.

This classifies the benchmark's positions; it is not the product's resolver and shares nothing
with it.
"""

from __future__ import annotations

import ast
import builtins
import symtable
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Shapes: how a hovered name reaches its target (see :func:`_name_shape`, :func:`_member_shape`).
SHAPES = ("direct", "annotated", "self", "call", "local", "reexport", "other")
SHAPE_LABELS = {
    "direct": "direct (`json.dumps`, `os.path.join`, builtin, literal)",
    "annotated": "annotated (`def f(p: Path): p.glob`)",
    "self": "self attribute (`self.x.member`, `self.member`)",
    "call": "call result (`f(x).member`, `super().__init__`)",
    "local": "local from call/loop/with (`for x in …: x.m`)",
    "reexport": "re-export (`from .compat import urlparse`)",
    "other": "other (unannotated parameter, subscript, …)",
}
#: Shapes reached through data flow (the server must infer something).
DATA_FLOW = frozenset({"annotated", "self", "call", "local", "reexport"})

STDLIB_MODULES = frozenset(name for name in sys.stdlib_module_names if not name.startswith("_"))
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("__"))
#: Bare names that, bound by the file, hide a documented namesake.
SHADOWABLE = STDLIB_MODULES | BUILTIN_NAMES

_LITERALS = (
    ast.Constant,
    ast.JoinedStr,
    ast.List,
    ast.Dict,
    ast.Set,
    ast.Tuple,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
)


@dataclass(frozen=True, slots=True)
class Site:
    """One hover position: ``line`` 0-based, ``column`` in code points at the name's start."""

    path: str
    line: int
    column: int
    name: str
    shape: str
    #: The hovered name is the member in ``receiver.member``.
    member: bool

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line + 1}:{self.column + 1}"

    @property
    def cursor(self) -> int:
        """Where the hover is asked: inside the name, as a person would point."""
        return self.column + len(self.name) // 2


@dataclass(frozen=True, slots=True)
class Shadow:
    """An occurrence of a name the file binds that is also a builtin or stdlib module name."""

    path: str
    line: int
    column: int
    name: str
    #: How the name is bound where this occurrence resolves (``param``, ``assign``, …).
    binding: str

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line + 1}:{self.column + 1}"

    @property
    def cursor(self) -> int:
        return self.column + len(self.name) // 2


@dataclass
class FileSites:
    sites: list[Site] = field(default_factory=list)
    shadows: list[Shadow] = field(default_factory=list)
    #: Every bare-name occurrence read (the denominator of "per 1,000 names").
    names: int = 0


def analyse(path: str, source: str, root: Path) -> FileSites:
    """Sites and shadowing occurrences of one file (empty if it does not parse)."""
    try:
        tree = ast.parse(source, filename=path)
        table = symtable.symtable(source, path, "exec")
    except (SyntaxError, ValueError):
        return FileSites()
    walker = _Walker(path, source, table, root)
    walker.run(tree)
    return walker.result


# -- scopes and bindings ------------------------------------------------------------------------


@dataclass
class _Scope:
    table: symtable.SymbolTable
    parent: _Scope | None
    #: name -> how this scope binds it.
    bindings: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    children: dict[tuple[str, int], list[symtable.SymbolTable]] = field(default_factory=dict)
    is_method: bool = False
    #: name -> the first line (1-based) binding it: a class body (and its methods'
    #: signatures) reads the enclosing scope's name until the class binds its own.
    first_line: dict[str, int] = field(default_factory=dict)

    def child(self, name: str, line: int) -> symtable.SymbolTable | None:
        if not self.children:
            grouped: dict[tuple[str, int], list[symtable.SymbolTable]] = defaultdict(list)
            for child in self.table.get_children():
                grouped[(child.get_name(), child.get_lineno())].append(child)
            self.children = dict(grouped)
        queue = self.children.get((name, line))
        return queue.pop(0) if queue else None


@dataclass(frozen=True, slots=True)
class _Use:
    name: str
    line: int
    column: int
    scope: _Scope


class _Walker:
    """Two passes: the first records bindings per scope and every name use; the second, with
    all bindings known, gives each use its binding and shape."""

    def __init__(self, path: str, source: str, table: symtable.SymbolTable, root: Path) -> None:
        self.path = path
        self.lines = source.splitlines()
        self.module = _Scope(table, None)
        self.root = root
        self.result = FileSites()
        #: Bare names to shape later: (use, attribute node it receives for, or None).
        self.uses: list[tuple[_Use, str]] = []
        self.members: list[tuple[ast.Attribute, _Scope]] = []
        self.bare: list[_Use] = []  # every bare-name occurrence, for the shadowing scan
        self.relative: dict[tuple[int, str], tuple[int, str | None]] = {}
        #: The line of the statement being visited (1-based), for ``_Scope.first_line``.
        self.line_now = 1

    # positions -------------------------------------------------------------------------------

    def column(self, line: int, byte_offset: int) -> int:
        """``ast`` columns are UTF-8 byte offsets; LSP and jedi want characters."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    def find(self, line: int, start_byte: int, name: str) -> int | None:
        """The character column of the word ``name`` on ``line`` at or after ``start_byte``."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        start = self.column(line, start_byte)
        index = start
        while True:
            index = text.find(name, index)
            if index < 0:
                return None
            before = text[index - 1] if index > 0 else " "
            after = text[index + len(name)] if index + len(name) < len(text) else " "
            if not (before.isidentifier() or before.isdigit() or before == ".") and not (
                after.isidentifier() or after.isdigit()
            ):
                return index
            index += len(name)

    # pass one ----------------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> None:
        self.visit_body(tree.body, self.module)
        self.finish()

    def bind(self, scope: _Scope, name: str, kind: str) -> None:
        target = scope
        try:
            if scope.table.lookup(name).is_declared_global():
                target = self.module
        except KeyError:
            pass
        target.bindings[name].add(kind)
        target.first_line.setdefault(name, self.line_now)

    def occurrence(self, name: str, line: int, column: int | None, scope: _Scope) -> None:
        if column is not None:
            self.bare.append(_Use(name, line - 1, column, scope))

    def visit_body(self, body: list[ast.stmt], scope: _Scope) -> None:
        for statement in body:
            self.visit(statement, scope)

    def visit(self, node: ast.AST, scope: _Scope) -> None:
        if isinstance(node, ast.stmt):
            self.line_now = node.lineno
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.visit_function(node, scope)
        elif isinstance(node, ast.ClassDef):
            self.visit_class(node, scope)
        elif isinstance(node, ast.Lambda):
            self.visit_lambda(node, scope)
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            self.visit_comprehension(node, scope)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self.visit_import(node, scope)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                self.occurrence(
                    name, node.lineno, self.find(node.lineno, node.col_offset, name), scope
                )
        elif isinstance(node, ast.ExceptHandler):
            if node.type is not None:
                self.visit(node.type, scope)
            if node.name:
                self.bind(scope, node.name, "except")
                column = self.find(node.lineno, node.col_offset, node.name)
                self.occurrence(node.name, node.lineno, column, scope)
            self.visit_body(node.body, scope)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
            self.visit_assignment(node, scope)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.visit(node.iter, scope)
            self.visit_target(node.target, scope, "loop")
            self.visit_body(node.body, scope)
            self.visit_body(node.orelse, scope)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                self.visit(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.visit_target(item.optional_vars, scope, "with")
            self.visit_body(node.body, scope)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            self.bind(scope, node.name, "assign")
            for child in ast.iter_child_nodes(node):
                self.visit(child, scope)
        elif isinstance(node, ast.Name):
            self.bare.append(
                _Use(node.id, node.lineno - 1, self.column(node.lineno, node.col_offset), scope)
            )
            if isinstance(node.ctx, ast.Load):
                self.uses.append((self.bare[-1], ""))
        elif isinstance(node, ast.Attribute):
            if isinstance(node.ctx, ast.Load):
                self.members.append((node, scope))
            self.visit(node.value, scope)
        elif isinstance(node, ast.JoinedStr):
            return  # positions inside f-strings are not reliable in every Python version
        else:
            for child in ast.iter_child_nodes(node):
                self.visit(child, scope)

    def visit_target(self, target: ast.AST, scope: _Scope, kind: str) -> None:
        for node in ast.walk(target):
            # Only the names the statement stores to: ``a[getattr(x, y)] = v`` binds nothing
            # called ``getattr`` (nor ``a``), ``self.x = v`` nothing called ``self``.
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                self.bind(scope, node.id, kind)
        self.visit(target, scope)

    def visit_assignment(
        self, node: ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr, scope: _Scope
    ) -> None:
        value = node.value
        if value is not None:
            self.visit(value, scope)
        from_call = isinstance(value, ast.Call) or (
            isinstance(value, ast.Await) and isinstance(value.value, ast.Call)
        )
        if isinstance(node, ast.AnnAssign):
            self.visit(node.annotation, scope)
            kind = "annotated" if isinstance(node.target, ast.Name) else "assign"
            self.visit_target(node.target, scope, kind)
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            kind = "assign-call" if from_call and isinstance(target, ast.Name) else "assign"
            self.visit_target(target, scope, kind)

    def visit_arguments(self, args: ast.arguments, outer: _Scope, inner: _Scope) -> None:
        """Defaults and annotations belong to the enclosing scope; the names to the function."""
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(default, outer)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for position, arg in enumerate(every):
            if arg.annotation is not None:
                self.visit(arg.annotation, outer)
            first = position == 0 and inner.is_method
            kind = "self" if first else ("param-annotated" if arg.annotation else "param")
            self.bind(inner, arg.arg, kind)
            self.occurrence(arg.arg, arg.lineno, self.column(arg.lineno, arg.col_offset), inner)

    def enter(self, scope: _Scope, name: str, line: int) -> _Scope:
        table = scope.child(name, line)
        if table is None:  # symtable and ast disagree: keep reading in the outer scope
            return scope
        return _Scope(table, scope)

    def visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator, scope)
        if node.returns is not None:
            self.visit(node.returns, scope)
        self.bind(scope, node.name, "def")
        column = self.find(node.lineno, node.col_offset, node.name)
        self.occurrence(node.name, node.lineno, column, scope)
        inner = self.enter(scope, node.name, node.lineno)
        inner.is_method = scope.table.get_type() == "class" and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        )
        self.visit_arguments(node.args, scope, inner)
        self.visit_body(node.body, inner)

    def visit_class(self, node: ast.ClassDef, scope: _Scope) -> None:
        for expression in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expression, scope)
        self.bind(scope, node.name, "class")
        column = self.find(node.lineno, node.col_offset, node.name)
        self.occurrence(node.name, node.lineno, column, scope)
        self.visit_body(node.body, self.enter(scope, node.name, node.lineno))

    def visit_lambda(self, node: ast.Lambda, scope: _Scope) -> None:
        inner = self.enter(scope, "lambda", node.lineno)
        self.visit_arguments(node.args, scope, inner)
        self.visit(node.body, inner)

    def visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, scope: _Scope
    ) -> None:
        names = {
            ast.ListComp: "listcomp",
            ast.SetComp: "setcomp",
            ast.GeneratorExp: "genexpr",
            ast.DictComp: "dictcomp",
        }
        self.visit(node.generators[0].iter, scope)
        inner = self.enter(scope, names[type(node)], node.lineno)
        for index, generator in enumerate(node.generators):
            if index:
                self.visit(generator.iter, inner)
            self.visit_target(generator.target, inner, "loop")
            for condition in generator.ifs:
                self.visit(condition, inner)
        if isinstance(node, ast.DictComp):
            self.visit(node.key, inner)
            self.visit(node.value, inner)
        else:
            self.visit(node.elt, inner)

    def visit_import(self, node: ast.Import | ast.ImportFrom, scope: _Scope) -> None:
        for alias in node.names:
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name.split(".")[0]
            if isinstance(node, ast.ImportFrom) and node.level:
                kind = "import-relative"
                self.relative[(id(scope), bound)] = (node.level, node.module)
            else:
                module = alias.name if isinstance(node, ast.Import) else node.module or ""
                top = module.split(".")[0]
                kind = "import-stdlib" if top in STDLIB_MODULES or top == "builtins" else "import"
            self.bind(scope, bound, kind)
            line = alias.lineno
            start = alias.col_offset
            if alias.asname:
                column = self.find(line, start + len(alias.name.encode()), alias.asname)
            else:
                column = self.column(line, start)
            self.occurrence(bound, line, column, scope)

    # pass two ----------------------------------------------------------------------------------

    def binding_scope(self, name: str, scope: _Scope) -> _Scope | None:
        """Where ``name`` used in ``scope`` is bound in this file; None for builtins/undefined."""
        try:
            symbol = scope.table.lookup(name)
        except KeyError:
            symbol = None
        if scope is self.module or symbol is None:
            return self.module if name in self.module.bindings else None
        if symbol.is_global():
            return self.module if name in self.module.bindings else None
        if symbol.is_free():
            outer = scope.parent
            while outer is not None:
                if outer.table.get_type() != "class" and name in outer.bindings:
                    return outer
                outer = outer.parent
            return None
        return scope if name in scope.bindings else None

    def name_shape(self, name: str, scope: _Scope) -> str:
        """The shape of a bare name from how the scope that binds it binds it."""
        where = self.binding_scope(name, scope)
        if where is None:
            return "direct"  # a builtin (or an undefined name)
        kinds = where.bindings[name]
        if kinds <= {"import-stdlib"}:
            return "direct"
        if kinds <= {"import", "import-relative"}:
            return "reexport"
        if kinds <= {"param-annotated", "annotated"}:
            return "annotated"
        if kinds == {"self"}:
            return "self"
        if kinds <= {"assign-call", "assign", "loop", "with", "except"} and kinds & {
            "assign-call",
            "loop",
            "with",
        }:
            return "local"
        return "other"

    def member_shape(self, node: ast.Attribute, scope: _Scope) -> str:
        receiver = node.value
        if isinstance(receiver, _LITERALS):
            return "direct"
        chain = receiver
        while isinstance(chain, ast.Attribute | ast.Call | ast.Subscript):
            if isinstance(chain, ast.Call):
                return "call"
            if isinstance(chain, ast.Subscript):
                return "other"
            chain = chain.value
        if not isinstance(chain, ast.Name):
            return "other"
        shape = self.name_shape(chain.id, scope)
        if shape == "self" or (chain is not receiver and shape == "self"):
            return "self"
        return shape

    def finish(self) -> None:
        out = self.result
        for use, _ in self.uses:
            shape = self.name_shape(use.name, use.scope)
            if shape == "self":
                shape = "other"  # the bare ``self``: a parameter
            out.sites.append(Site(self.path, use.line, use.column, use.name, shape, False))
        for node, scope in self.members:
            line = node.end_lineno or node.lineno
            end = node.end_col_offset or 0
            column = self.column(line, end - len(node.attr.encode("utf-8")))
            if self.lines[line - 1][column : column + len(node.attr)] != node.attr:
                continue  # a member name split from its receiver oddly: skip
            shape = self.member_shape(node, scope)
            out.sites.append(Site(self.path, line - 1, column, node.attr, shape, True))
        out.names = len(self.bare)
        for use in self.bare:
            if use.name not in SHADOWABLE:
                continue
            where = self.binding_scope(use.name, use.scope)
            if (
                where is not None
                and where.table.get_type() == "class"
                and use.line + 1 < where.first_line.get(use.name, 0)
                and where.parent is not None
            ):
                # Read in the class body before the class binds it: the outer name.
                where = self.binding_scope(use.name, where.parent)
            if where is None:
                continue
            kinds = where.bindings[use.name]
            if kinds & {"import-stdlib", "import"}:
                continue  # an absolute import may well bind the documented namesake itself
            if "import-relative" in kinds and self.reexports_stdlib(where, use.name):
                continue
            binding = "/".join(sorted(kinds))
            out.shadows.append(Shadow(self.path, use.line, use.column, use.name, binding))

    def reexports_stdlib(self, scope: _Scope, name: str) -> bool:
        """``from .compat import json`` where compat does ``import json``: not a shadow."""
        level, module = self.relative.get((id(scope), name), (1, None))
        return _reexports(self.root, self.path, level, module, name, depth=0)


def _reexports(
    root: Path, path: str, level: int, module: str | None, name: str, depth: int
) -> bool:
    package = (root / path).parent
    for _ in range(level - 1):
        package = package.parent
    base = package.joinpath(*module.split(".")) if module else package
    if (base / f"{name}.py").exists() or (base / name / "__init__.py").exists():
        return False  # a submodule of this package
    target = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    if not target.exists() or depth > 3:
        return False
    try:
        tree = ast.parse(target.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, OSError):
        return False
    for node in _top_level(tree.body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                if bound != name:
                    continue
                if isinstance(node, ast.ImportFrom) and node.level:
                    relative = target.relative_to(root).as_posix()
                    if _reexports(root, relative, node.level, node.module, alias.name, depth + 1):
                        return True
                else:
                    source = alias.name if isinstance(node, ast.Import) else node.module or ""
                    if source.split(".")[0] in STDLIB_MODULES | {"builtins"}:
                        return True
    return False


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, looking inside ``try``/``if`` blocks (fallback imports)."""
    for node in body:
        yield node
        if isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _top_level(block)
            for handler in node.handlers:
                yield from _top_level(handler.body)
        elif isinstance(node, ast.If):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
