"""Signatures as source text, from ``def`` nodes: defaults and annotations exactly as written.

Nothing is evaluated: a default like ``os.environ.get("X")`` stays text, as it must when the
code is only read.
"""

from __future__ import annotations

import ast

#: Defaults longer than this are cut: a hover needs the shape, not a 40-line dict literal.
_MAX_DEFAULT = 80


def annotation_text(node: ast.expr) -> str:
    """``"Template"`` (a string annotation) reads as ``Template``, like the code means it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " ".join(node.value.split())
    return ast.unparse(node)


def _default_text(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= _MAX_DEFAULT else text[: _MAX_DEFAULT - 1] + "…"


def _parameter(arg: ast.arg, default: ast.expr | None, prefix: str = "") -> str:
    text = prefix + arg.arg
    if arg.annotation is not None:
        text += f": {annotation_text(arg.annotation)}"
        if default is not None:
            text += f" = {_default_text(default)}"
    elif default is not None:
        text += f"={_default_text(default)}"
    return text


def signature_text(
    arguments: ast.arguments, returns: ast.expr | None, *, drop_first: bool, with_return: bool
) -> str:
    """``(a, /, b: int = 1, *args, c, **kw) -> str``; ``drop_first`` removes ``self``/``cls``."""
    positional = [*arguments.posonlyargs, *arguments.args]
    padding: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults = [*padding, *arguments.defaults]
    pairs = list(zip(positional, defaults, strict=True))
    positional_only = len(arguments.posonlyargs)
    if drop_first and pairs:
        pairs = pairs[1:]
        positional_only = max(0, positional_only - 1)
    parts: list[str] = []
    for index, (arg, default) in enumerate(pairs):
        parts.append(_parameter(arg, default))
        if positional_only and index == positional_only - 1:
            parts.append("/")
    if arguments.vararg is not None:
        parts.append(_parameter(arguments.vararg, None, "*"))
    elif arguments.kwonlyargs:
        parts.append("*")
    for arg, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        parts.append(_parameter(arg, kw_default))
    if arguments.kwarg is not None:
        parts.append(_parameter(arguments.kwarg, None, "**"))
    text = f"({', '.join(parts)})"
    if with_return and returns is not None:
        text += f" -> {annotation_text(returns)}"
    return text


def fields_signature(fields: list[tuple[str, str, str | None]]) -> str:
    """A dataclass's or NamedTuple's synthesised ``__init__``: ``(name, annotation, default)``."""
    parts = []
    for name, annotation, default in fields:
        text = f"{name}: {annotation}" if annotation else name
        if default is not None:
            text += f" = {default}" if annotation else f"={default}"
        parts.append(text)
    return f"({', '.join(parts)})"


def decorator_name(node: ast.expr) -> str:
    """``functools.cached_property`` for ``@functools.cached_property`` or ``@x(...)``."""
    if isinstance(node, ast.Call):
        node = node.func
    try:
        return ast.unparse(node)
    except (AttributeError, ValueError, RecursionError):  # pragma: no cover - odd nodes
        return ""
