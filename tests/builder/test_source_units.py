"""The pure parts of the docstring builder: signatures, summaries, docstring conversion."""

from __future__ import annotations

import ast

import pytest

from docs_daemon.builder.docstring_markup import docstring_markdown
from docs_daemon.builder.public_names import is_private
from docs_daemon.builder.source_docs import summary_of
from docs_daemon.builder.source_signatures import signature_text


def signature_of(source: str, *, drop_first: bool = False, with_return: bool = True) -> str:
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
    return signature_text(
        function.args, function.returns, drop_first=drop_first, with_return=with_return
    )


@pytest.mark.parametrize(
    ("source", "drop_first", "expected"),
    [
        ("def f(): pass", False, "()"),
        ("def f(a, b=1, *args, c, d=2, **kw): pass", False, "(a, b=1, *args, c, d=2, **kw)"),
        ("def f(self, a, /, b, *, c): pass", True, "(a, /, b, *, c)"),
        ("def f(self, /): pass", True, "()"),
        ("def f(*args): pass", True, "(*args)"),
        ('def f(x: "Template" = None) -> "str": pass', False, "(x: Template = None) -> str"),
        ("async def f(x: int | None = None) -> list[int]: pass", False,
         "(x: int | None = None) -> list[int]"),
        ("def f(x={'a': 1, 'b': [1, 2, 3]}): pass", False, "(x={'a': 1, 'b': [1, 2, 3]})"),
    ],
)  # fmt: skip
def test_signatures(source: str, drop_first: bool, expected: str) -> None:
    assert signature_of(source, drop_first=drop_first) == expected


def test_long_defaults_are_cut() -> None:
    source = f"def f(x={list(range(100))!r}): pass"
    text = signature_of(source)
    assert text.startswith("(x=[0, 1, 2,") and text.endswith("…)") and len(text) == 84


def test_constructor_signature_has_no_return() -> None:
    assert signature_of("def __init__(self, a: int) -> None: pass", drop_first=True,
                        with_return=False) == "(a: int)"  # fmt: skip


@pytest.mark.parametrize(
    ("markdown", "summary"),
    [
        ("One line.", "One line."),
        ("First line\nwraps here.\n\nSecond paragraph.", "First line wraps here."),
        ("Load it.\n- `source`: the source.", "Load it."),
        ("```python\nX = 1\n```\n\nThe value.", "The value."),
        ("#### Args\n\n- `a`: x", ""),
        ("Text\n```python\ncode\n```", "Text"),
        ("", ""),
    ],
)
def test_summary(markdown: str, summary: str) -> None:
    assert summary_of(markdown) == summary


def test_docstring_markup() -> None:
    assert docstring_markdown("Do it.\n\n:param x: the thing.\n:returns: nothing.") == (
        "Do it.\n- `x`: the thing.\n- returns: nothing."
    )
    assert docstring_markdown("Do it.\n\nArgs:\n    x: the thing.") == (
        "Do it.\n\n#### Args\n\n- `x`: the thing."
    )
    # Not recognised by docstring-to-markdown: the plain converter fences the literal block.
    assert docstring_markdown("Returns a_b.\n\n    x = f(1)") == (
        "Returns a_b.\n\n```text\nx = f(1)\n```"
    )
    assert docstring_markdown("   ") == ""


@pytest.mark.parametrize(
    ("name", "private"),
    [("a.b", False), ("a._b", True), ("_a.b", True), ("a.__init__", False), ("a.__b", True)],
)
def test_private_names(name: str, private: bool) -> None:
    assert is_private(name) is private
