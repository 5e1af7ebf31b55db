"""What the cursor is on: hover targets, completion contexts and calls, from real-looking code.

Each case is a source with ``‸`` marking the cursor. Expected names are written by hand
from Python's semantics (what the name means at run time), not read back from the code.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from docs_daemon.python_source import (
    CallContext,
    CompletionContext,
    InferAt,
    Target,
    call_context,
    completion_context,
    parse_imports,
    target_at,
)

MARK = "‸"

IMPORTS = """\
import collections
import functools
import json
import re
import numpy as np
import os.path
import xml.etree.ElementTree as ET
from os import path
from collections import OrderedDict as OD
from datetime import datetime
from pathlib import Path
"""


def split_cursor(marked: str) -> tuple[str, int, int]:
    """Remove the cursor mark; the source and the mark's line and code point column."""
    before, mark, after = marked.partition(MARK)
    assert mark, f"no cursor mark in {marked!r}"
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return before + after, line, column


def target(marked: str, *, with_imports: bool = True) -> Target | None:
    source, line, column = split_cursor((IMPORTS if with_imports else "") + marked)
    return target_at(source, line, column, parse_imports(source))


def covered(marked: str, found: Target) -> str:
    """The text of the target's range on its line."""
    source, line, _ = split_cursor(IMPORTS + marked)
    return source.split("\n")[line][found.start : found.end]


# (code with cursor, expected candidates, expected member, expected text of the range)
NAME_CASES = [
    ("json.du‸mps(x)", ("json.dumps",), None, "json.dumps"),
    ("js‸on.dumps(x)", ("json",), None, "json"),
    ("json.dumps‸(x)", ("json.dumps",), None, "json.dumps"),
    ("np.ar‸ray([1])", ("numpy.array",), None, "np.array"),
    ("path.jo‸in('a', 'b')", ("os.path.join",), None, "path.join"),
    ("os.path.jo‸in('a')", ("os.path.join",), None, "os.path.join"),
    ("os.pa‸th.join('a')", ("os.path",), None, "os.path"),
    ("O‸D()", ("collections.OrderedDict",), None, "OD"),
    ("OD.move_to_e‸nd", ("collections.OrderedDict.move_to_end",), None, "OD.move_to_end"),
    ("datetime.no‸w()", ("datetime.datetime.now",), None, "datetime.now"),
    ("ET.pa‸rse(f)", ("xml.etree.ElementTree.parse",), None, "ET.parse"),
    (
        "collections.Counter.most_com‸mon",
        ("collections.Counter.most_common",),
        None,
        "collections.Counter.most_common",
    ),
    ("le‸n(x)", ("len",), None, "len"),
    ("print‸(x)", ("print",), None, "print"),
    ("raise ValueE‸rror('x')", ("ValueError",), None, "ValueError"),
    ("d = di‸ct()", ("dict",), None, "dict"),
    ("str.sp‸lit(s)", ("str.split",), None, "str.split"),
    ('"x".sp‸lit()', ("str.split",), None, '"x".split'),
    ("f'{a}'.up‸per()", ("str.upper",), None, "f'{a}'.upper"),
    ('"a" "b".jo‸in(x)', ("str.join",), None, '"a" "b".join'),
    ("[].app‸end(1)", ("list.append",), None, "[].append"),
    ("[x for x in y].co‸unt(1)", ("list.count",), None, "[x for x in y].count"),
    ("{}.g‸et(k)", ("dict.get",), None, "{}.get"),
    ("{'a': 1}.ite‸ms()", ("dict.items",), None, "{'a': 1}.items"),
    ("{1}.a‸dd(2)", ("set.add", "frozenset.add"), None, "{1}.add"),
    ('b"".dec‸ode()', ("bytes.decode",), None, 'b"".decode'),
    ("rb'x'.spl‸it()", ("bytes.split",), None, "rb'x'.split"),
    ("set().uni‸on(b)", ("set.union", "frozenset.union"), None, "set().union"),
    ("dict(a=1).ite‸ms()", ("dict.items",), None, "dict(a=1).items"),
    ("(1).bit_len‸gth()", ("int.bit_length",), None, "(1).bit_length"),
    ("1.5.is_int‸eger()", ("float.is_integer",), None, "1.5.is_integer"),
    ("0x1f.to_by‸tes(2)", ("int.to_bytes",), None, "0x1f.to_bytes"),
    ("(1, 2).ind‸ex(2)", ("tuple.index",), None, "(1, 2).index"),
    ("True.conj‸ugate()", ("bool.conjugate", "int.conjugate"), None, "True.conjugate"),
    ("Path('.').exi‸sts()", ("pathlib.Path.exists",), "exists", "Path('.').exists"),
    ("@functools.ca‸che", ("functools.cache",), None, "functools.cache"),
    ("cls.fo‸o()", (), "foo", "cls.foo"),
    ("re.mat‸ch(p, s)", ("re.match",), None, "re.match"),
    ('f"{json.du‸mps(x)!r:>10}"', ("json.dumps",), None, "json.dumps"),
    ("f'{a} and {np.ar‸ray(b)}'", ("numpy.array",), None, "np.array"),
    ("json.dumps(x, ind‸ent=2)", ("json.dumps",), None, "indent"),
    ("json.dumps(\n    x,\n    ind‸ent=2,\n)", ("json.dumps",), None, "indent"),
    ("x = 1\nva‸lue = 2", (), None, "value"),
]


@pytest.mark.parametrize(("code", "candidates", "member", "text"), NAME_CASES)
def test_names_resolve_through_imports_builtins_and_literals(
    code: str, candidates: tuple[str, ...], member: str | None, text: str
) -> None:
    found = target(code)
    assert found is not None
    assert (found.candidates, found.member, found.is_keyword) == (candidates, member, False)
    assert covered(code, found) == text


UNBOUND_NAMES = [
    "os.path.jo‸in('a')",  # ``os`` is not imported in this file
    "chu‸nk.read()",  # a stdlib module's name, never imported
    "path.join(a, *pa‸rts)",
]


@pytest.mark.parametrize("code", UNBOUND_NAMES)
def test_a_name_nothing_binds_is_not_a_module_nor_a_guess(code: str) -> None:
    assert target(code, with_imports=False) is None


# Names the code binds itself never resolve to a namesake: the text hands them to inference,
# with the position to ask about (the name's end, and the receiver's end for ``x.member``).
BOUND_CASES = [
    ('x = "a"\nx.spl‸it()', "split", (1, 7), (1, 1)),
    ("def f(p: Path) -> None:\n    p.exi‸sts()", "exists", (1, 12), (1, 5)),
    ("def f(json):\n    json.du‸mps(x)", "dumps", (1, 14), (1, 8)),
    ("for code in codes:\n    code.up‸per()", "upper", (1, 14), (1, 8)),
    ("type = attrib()\nty‸pe", None, (1, 4), None),
    ("def f(min):\n    return mi‸n(1, 2)", None, (1, 14), None),
    ("from . import types\ntyp‸es.X", None, (1, 5), None),
    ("from . import types\ntypes.‸X", "X", (1, 7), (1, 5)),
    ("class ConnectionError(Exception):\n    pass\nraise ConnectionErr‸or()", None, (2, 21), None),
    ("self.fo‸o()", "foo", (0, 8), (0, 4)),
    ("self.items.app‸end(1)", "append", (0, 17), (0, 10)),
    ("x.y().spl‸it()", "split", (0, 11), (0, 5)),
    ("key.lower().enc‸ode()", "encode", (0, 18), (0, 11)),
]


@pytest.mark.parametrize(("code", "member", "name", "receiver"), BOUND_CASES)
def test_names_the_code_binds_are_handed_to_inference(
    code: str, member: str | None, name: tuple[int, int], receiver: tuple[int, int] | None
) -> None:
    found = target(code, with_imports=False)
    assert found is not None
    assert found.candidates == ()
    assert found.member == member
    # A bare name the code binds never takes a stdlib namesake's docs, whatever inference says.
    shadowed = member is None and not code.startswith(("self", "from ."))
    assert found.infer == InferAt(name[0], name[1], receiver, member or "", shadowed)


KEYWORD_CASES = [
    ("wi‸th open(f) as g:\n    pass", ("with",)),
    ("def f():\n    yie‸ld 1", ("yield",)),
    ("def f():\n    yield fr‸om g()", ("yield from", "yield")),
    ("f = lamb‸da x: x", ("lambda",)),
    ("asy‸nc def f():\n    pass", ("async def", "async")),
    ("async def f():\n    asy‸nc for x in y:\n        pass", ("async for", "async")),
    ("async def f():\n    async wi‸th x:\n        pass", ("async with", "with")),
    ("async def f():\n    awa‸it x", ("await",)),
    ("def f():\n    glob‸al x", ("global",)),
    ("def f():\n    nonloc‸al x", ("nonlocal",)),
    ("tr‸y:\n    pass\nexcept E:\n    pass", ("try",)),
    ("try:\n    pass\nexce‸pt E:\n    pass", ("except", "try")),
    ("try:\n    pass\nfinal‸ly:\n    pass", ("finally", "try")),
    ("if a:\n    pass\nel‸if b:\n    pass", ("elif", "if")),
    ("for x in y:\n    pass\nel‸se:\n    pass", ("else", "for")),
    ("while x:\n    pass\nel‸se:\n    pass", ("else", "while")),
    ("if(x):\n    pass\nel‸se:\n    pass", ("else", "if")),
    ("try:\n    pass\nexcept E:\n    pass\nel‸se:\n    pass", ("else", "try")),
    ("v = a if b el‸se c", ("else", "if")),
    ("for x i‸n y:\n    pass", ("in", "for")),
    ("if a no‸t in b:\n    pass", ("not in", "in", "not")),
    ("if a is n‸ot b:\n    pass", ("is not", "is", "not")),
    ("fro‸m os import path", ("from", "import")),
    ("imp‸ort json", ("import",)),
    ("with a a‸s b:\n    pass", ("as", "with")),
    ("rai‸se E", ("raise",)),
    ("def f():\n    retu‸rn 1", ("return",)),
    ("de‸l x", ("del",)),
    ("pa‸ss", ("pass",)),
    ("x = No‸ne", ("None",)),
    ("x = Tr‸ue", ("True",)),
    ("x = a a‸nd b", ("and",)),
    ("ma‸tch command:\n    case 1:\n        pass", ("match",)),
    ("match command:\n    ca‸se [x, y]:\n        pass", ("case", "match")),
    ("match command:\n    case ‸_:\n        pass", ("_", "case", "match")),
    ("ty‸pe Point = tuple[int, int]", ("type",)),
]


@pytest.mark.parametrize(("code", "candidates"), KEYWORD_CASES)
def test_keywords_name_their_reference_section(code: str, candidates: tuple[str, ...]) -> None:
    found = target(code)
    assert found is not None
    assert found.is_keyword
    assert found.candidates == candidates
    assert found.member is None


SOFT_KEYWORDS_AS_NAMES = [
    "match = re.ma‸tch(p, s)",
    "ma‸tch = 1",
    "match = f()\nma‸tch.group(1)",
    "match = f()\nprint(ma‸tch)",
    "ca‸se = 2",
    "ty‸pe(x)",
    "_ = f(‸_)",
]


@pytest.mark.parametrize("code", SOFT_KEYWORDS_AS_NAMES)
def test_soft_keywords_outside_statement_position_are_names(code: str) -> None:
    found = target(code)
    assert found is not None
    assert not found.is_keyword


NOTHING_CASES = [
    "x = 1‸23",
    "x = f'{{json.du‸mps}}'",
    "x = f'{a:>1‸0}'",
    "x = 'js‸on.dumps'",
    "x = 1  # js‸on.dumps",
    "x =  ‸ 1",
    '"""\njso‸n.dumps\n"""',
    "x = (1 +‸ 2)",
]


@pytest.mark.parametrize("code", NOTHING_CASES)
def test_nothing_under_the_cursor_gives_none(code: str) -> None:
    assert target(code) is None


IMPORT_STATEMENT_CASES = [
    ("from collections import Ordered‸Dict as X", ("collections.OrderedDict",)),
    ("from collections import OrderedDict as ‸X", ("collections.OrderedDict",)),
    ("from date‸time import datetime", ("datetime",)),
    ("from datetime import date‸time", ("datetime.datetime",)),
    ("import xml.et‸ree.ElementTree", ("xml.etree",)),
    ("import xml.etree.ElementTree as E‸T", ("xml.etree.ElementTree",)),
    ("from os.pa‸th import join", ("os.path",)),
]


@pytest.mark.parametrize(("code", "candidates"), IMPORT_STATEMENT_CASES)
def test_names_in_import_statements_are_modules_and_their_members(
    code: str, candidates: tuple[str, ...]
) -> None:
    found = target(code, with_imports=False)
    assert found is not None
    assert found.candidates == candidates


MULTILINE_IMPORT = (
    "from os.path import (\n    join,\n    exists as ex,\n    spl\n)\nimport os, \\\n    json\n"
)


@pytest.mark.parametrize(
    ("line", "name", "candidates"),
    [(1, "join", ("os.path.join",)), (2, "ex", ("os.path.exists",)), (6, "json", ("json",))],
)
def test_import_statements_over_several_lines(
    line: int, name: str, candidates: tuple[str, ...]
) -> None:
    column = MULTILINE_IMPORT.split("\n")[line].index(name) + 1
    found = target_at(MULTILINE_IMPORT, line, column)
    assert found is not None
    assert found.candidates == candidates


def test_completion_inside_a_parenthesised_import_list() -> None:
    found = completion_context(MULTILINE_IMPORT, 3, 7)
    assert found == CompletionContext("import_member", "os.path", "spl", 3, 4, 7)


@pytest.mark.parametrize(
    ("code", "name_end"),
    [("from . import sib‸ling", 21), ("from .compat import url‸parse", 28)],
)
def test_relative_imports_are_left_to_inference(code: str, name_end: int) -> None:
    found = target(code, with_imports=False)
    assert found is not None
    assert found.candidates == ()
    assert found.infer == InferAt(0, name_end)


def test_syntax_errors_elsewhere_do_not_break_resolution() -> None:
    broken = "def broken(:\n    x = [1, 2\n    'unterminated\njson.du‸mps(x)\n)))\nclass"
    found = target(broken)
    assert found is not None
    assert found.candidates == ("json.dumps",)


def test_a_chain_continued_on_the_next_line_inside_brackets() -> None:
    found = target("value = (np\n    .ar‸ray([1]))")
    assert found is not None
    assert found.candidates == ("numpy.array",)
    assert (found.start, found.end) == (4, 10)


def test_the_range_uses_code_points_after_non_ascii_text() -> None:
    source = "import json\ns = '😀中' + json.dumps(x)"
    line = source.split("\n")[1]
    found = target_at(source, 1, line.index("dumps") + 2, parse_imports(source))
    assert found is not None
    assert line[found.start : found.end] == "json.dumps"


@pytest.mark.parametrize(("line", "column"), [(-1, 0), (0, -1), (0, 999), (5, 0), (999, 3)])
def test_out_of_range_positions_give_none(line: int, column: int) -> None:
    assert target_at("json.dumps\n", line, column) is None
    assert completion_context("json.\n", line, column) is None
    assert call_context("f(\n", line, column) is None


# --- completion -----------------------------------------------------------------------------

COMPLETION_CASES = [
    ("os.path.‸", CompletionContext("member", "os.path", "", 0, 8, 8)),
    ("path.‸", CompletionContext("member", "os.path", "", 0, 5, 5)),
    ("path.jo‸", CompletionContext("member", "os.path", "jo", 0, 5, 7)),
    ("np.‸", CompletionContext("member", "numpy", "", 0, 3, 3)),
    ("OD.move‸", CompletionContext("member", "collections.OrderedDict", "move", 0, 3, 7)),
    ("datetime.‸", CompletionContext("member", "datetime.datetime", "", 0, 9, 9)),
    ("str.‸", CompletionContext("member", "str", "", 0, 4, 4)),
    ('"x".‸', CompletionContext("member", "str", "", 0, 4, 4, ("str",))),
    ("[].‸", CompletionContext("member", "list", "", 0, 3, 3, ("list",))),
    ("set().un‸", CompletionContext("member", "set", "un", 0, 6, 8, ("set", "frozenset"))),
    ("set.un‸", CompletionContext("member", "set", "un", 0, 4, 6, ("frozenset",))),
    ("import xml.e‸", CompletionContext("module", "xml.e", "e", 0, 11, 12)),
    ("import js‸", CompletionContext("module", "js", "js", 0, 7, 9)),
    ("import os, xml.‸", CompletionContext("module", "xml.", "", 0, 15, 15)),
    ("from xml.e‸", CompletionContext("module", "xml.e", "e", 0, 9, 10)),
    ("from os import pa‸", CompletionContext("import_member", "os", "pa", 0, 15, 17)),
    ("from os import ‸", CompletionContext("import_member", "os", "", 0, 15, 15)),
    (
        "from os.path import (join, ex‸",
        CompletionContext("import_member", "os.path", "ex", 0, 27, 29),
    ),
    ("print(f'{os.path.‸", CompletionContext("member", "os.path", "", 0, 17, 17)),
    ("print(f'{x!r} {np.ar‸}')", CompletionContext("member", "numpy", "ar", 0, 18, 20)),
]


@pytest.mark.parametrize(("code", "expected"), COMPLETION_CASES)
def test_completion_contexts(code: str, expected: CompletionContext) -> None:
    source, line, column = split_cursor(IMPORTS + code)
    expected_line = expected.line + IMPORTS.count("\n")
    found = completion_context(source, line, column, parse_imports(source))
    assert found == CompletionContext(
        expected.kind,
        expected.parent,
        expected.prefix,
        expected_line,
        expected.start,
        expected.end,
        expected.receiver_candidates,
    )


# Receivers only inference can type: the context says where to ask.
INFERRED_COMPLETION_CASES = [
    ('x = "a"\nx.‸', 1, 2, (1, 1)),
    ("self.‸", 0, 5, (0, 4)),
    ("f().‸", 0, 4, (0, 3)),
    ("def f(p: Path):\n    p.gl‸", 1, 6, (1, 5)),
]


@pytest.mark.parametrize(("code", "line", "start", "receiver"), INFERRED_COMPLETION_CASES)
def test_completion_receivers_only_inference_can_type(
    code: str, line: int, start: int, receiver: tuple[int, int]
) -> None:
    source, cursor_line, column = split_cursor(code)
    found = completion_context(source, cursor_line, column, parse_imports(source))
    assert found is not None
    assert (found.kind, found.parent, found.line, found.start, found.end) == (
        "member",
        "",
        line,
        start,
        column,
    )
    assert found.infer == InferAt(*receiver)


NO_COMPLETION_CASES = [
    "# os.path.‸",
    "'os.path.‸",
    "x = 1.‸",
    "import os.path as ‸",
    "from . import ‸",
    "x = y‸",
]


@pytest.mark.parametrize("code", NO_COMPLETION_CASES)
def test_no_completion_context(code: str) -> None:
    source, line, column = split_cursor(IMPORTS + code)
    assert completion_context(source, line, column, parse_imports(source)) is None


# --- calls ----------------------------------------------------------------------------------

CALL_CASES = [
    ("json.dumps(‸", CallContext(("json.dumps",), 0, None)),
    ("json.dumps(obj, ‸", CallContext(("json.dumps",), 1, None)),
    ("json.dumps(obj, indent=‸", CallContext(("json.dumps",), 1, "indent")),
    ("json.dumps(obj, indent=2, sort_keys=Tr‸", CallContext(("json.dumps",), 2, "sort_keys")),
    ("json.dumps([1, 2, 3], ‸", CallContext(("json.dumps",), 1, None)),
    ("json.dumps({'a': (1, 2)‸", CallContext(("json.dumps",), 0, None)),
    ("json.dumps(x, default=[a, ‸", CallContext(("json.dumps",), 1, "default")),
    ("json.dumps(f(a, b), ‸", CallContext(("json.dumps",), 1, None)),
    ("g = h()\njson.dumps(g(a, ‸", CallContext((), 1, None, None, InferAt(12, 12, shadowed=True))),
    ('json.dumps("a, (b", ‸', CallContext(("json.dumps",), 1, None)),
    ("path.join(\n    'a',\n    'b',\n    ‸", CallContext(("os.path.join",), 2, None)),
    (
        "np.array(\n    [1, 2],  # a comment (\n    dtype=‸",
        CallContext(("numpy.array",), 1, "dtype"),
    ),
    ('"-".join(‸', CallContext(("str.join",), 0, None)),
    ("open('data.c‸", CallContext(("open",), 0, None)),
    ("print('(', 'a, b‸", CallContext(("print",), 1, None)),
    ("OD(‸", CallContext(("collections.OrderedDict",), 0, None)),
    ("x = g()\nx.split(‸", CallContext((), 0, None, "split", InferAt(12, 7, (12, 1), "split"))),
    ("f(x)(‸", CallContext((), 0, None, None, InferAt(11, 4))),
]


@pytest.mark.parametrize(("code", "expected"), CALL_CASES)
def test_call_contexts(code: str, expected: CallContext) -> None:
    source, line, column = split_cursor(IMPORTS + code)
    found = call_context(source, line, column, parse_imports(source))
    # Where inference would look if the imported name were not documented: tested below.
    assert found is not None and replace(found, fallback=None) == expected


def test_an_imported_name_not_documented_falls_back_to_inference() -> None:
    found = target(
        "from .compat import thing\nimport mypackage\nmypackage.he‸lper()", with_imports=False
    )
    assert found is not None
    assert found.candidates == ("mypackage.helper",)
    assert found.infer is None
    assert found.fallback == InferAt(2, 16, (2, 9), "helper")
    call = call_context("import mypackage\nmypackage.helper(", 1, 17)
    assert call is not None and call.fallback == InferAt(1, 16, (1, 9), "helper")


NO_CALL_CASES = [
    "json.dumps‸",
    "json.dumps(x)‸",
    "def f(a, ‸",
    "class C(Base, ‸",
    "x = [1, ‸",
    "if (a and ‸",
    "x = 1  # print(‸",
    "json.dumps(undefined(a, ‸",  # a call of a name nothing binds: no signature
    "undefined.split(‸",
    "json.dumps(\n    x\n)\nfoo ‸",
]


@pytest.mark.parametrize("code", NO_CALL_CASES)
def test_no_call_context(code: str) -> None:
    source, line, column = split_cursor(IMPORTS + code)
    assert call_context(source, line, column, parse_imports(source)) is None
