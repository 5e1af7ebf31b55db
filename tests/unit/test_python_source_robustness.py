"""No input crashes the cursor functions: code being typed is every kind of broken."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docs_daemon.python_source import (
    CallContext,
    CompletionContext,
    Imports,
    Target,
    call_context,
    completion_context,
    parse_imports,
    target_at,
)

#: Fragments that make Python-looking text, half of it broken.
FRAGMENTS = [
    "import ",
    "from ",
    " as ",
    "json",
    "os",
    ".",
    "path",
    "np",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    "'",
    '"',
    '"""',
    "'''",
    "#",
    "\\",
    "\n",
    "\r\n",
    "\r",
    " ",
    "    ",
    "f'",
    "b'",
    "1",
    "1.5",
    "0x",
    "match ",
    "case ",
    "_",
    "type ",
    "async ",
    "for ",
    "with ",
    "self",
    "lambda",
    "😀",
    "中",
    "\t",
    ";",
    "@",
    "else",
    "not ",
    "in ",
    "yield ",
    "def ",
]

python_like = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(python_like, st.integers(-2, 12), st.integers(-2, 60))
def test_no_text_or_position_crashes_anything(source: str, line: int, column: int) -> None:
    imports = parse_imports(source)
    assert isinstance(imports, Imports)
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = target_at(source, line, column, imports)
    if found is not None:
        assert isinstance(found, Target)
        assert found.line == line
        assert 0 <= found.start <= found.end <= len(lines[line])
    context = completion_context(source, line, column, imports)
    if context is not None:
        assert isinstance(context, CompletionContext)
        assert context.start <= context.end == column
        assert lines[line][context.start : context.end] == context.prefix
    call = call_context(source, line, column, imports)
    assert call is None or isinstance(call, CallContext)
    if call is not None:
        assert call.active_parameter >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(0, 5), st.integers(0, 40))
def test_arbitrary_unicode_never_crashes(source: str, line: int, column: int) -> None:
    imports = parse_imports(source)
    target_at(source, line, column, imports)
    completion_context(source, line, column, imports)
    call_context(source, line, column, imports)


@settings(max_examples=200, deadline=None)
@given(python_like)
def test_every_position_of_a_text_is_answered(source: str) -> None:
    imports = parse_imports(source)
    for number, text in enumerate(source.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        for column in range(len(text) + 1):
            target_at(source, number, column, imports)
            completion_context(source, number, column, imports)
            call_context(source, number, column, imports)
