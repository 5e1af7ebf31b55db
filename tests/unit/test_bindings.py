"""Which names a document binds itself: every binding form, read from code with errors."""

from __future__ import annotations

import pytest

from docs_daemon.python_source.bindings import LOCAL, RELATIVE, Bindings, document_bindings
from docs_daemon.python_source.document import scan


def bindings(source: str) -> Bindings:
    return document_bindings(scan(source))


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("def f(json, *args, key: str = 'a', **kw): pass", "json"),
        ("def f(json, *args, key: str = 'a', **kw): pass", "args"),
        ("def f(json, *args, key: str = 'a', **kw): pass", "key"),
        ("def f(json, *args, key: str = 'a', **kw): pass", "kw"),
        ("def g(\n    multi,\n    line=1,\n):\n    pass", "line"),
        ("async def copy(): pass", "copy"),
        ("class ConnectionError(Exception): pass", "ConnectionError"),
        ("type = attrib()", "type"),
        ("a, (b, token) = pair", "token"),
        ("chunk: bytes = b''", "chunk"),
        ("count += 1", "count"),
        ("if (help := 3): pass", "help"),
        ("for code, (i, j) in items: pass", "code"),
        ("[x for min in y]", "min"),
        ("with open(p) as (fh, cmd): pass", "cmd"),
        ("try:\n    pass\nexcept E as signal:\n    pass", "signal"),
        ("lambda json, n=3: json", "json"),
        ("def f():\n    global select", "select"),
        ("def f():\n    nonlocal inspect", "inspect"),
        ("del string", "string"),
        ("match x:\n    case Point(x=px) | [min, *rest]: pass", "px"),
        ("match x:\n    case {'k': json}: pass", "json"),
        ("match x:\n    case str() as s: pass", "s"),
        ("type Alias = int", "Alias"),
        ("x = 1; json = 2", "json"),
        ("def broken(:\n    pass\ncode = 3", "code"),  # a syntax error before it
    ],
)
def test_every_binding_form_counts(source: str, name: str) -> None:
    assert LOCAL in bindings(source).targets(name)


@pytest.mark.parametrize(
    ("source", "name", "target"),
    [
        ("import json", "json", "json"),
        ("import os.path", "os", "os"),
        ("import numpy as np", "np", "numpy"),
        ("from os import path", "path", "os.path"),
        ("from os.path import (join,\n    exists)", "exists", "os.path.exists"),
        ("from collections import OrderedDict as OD", "OD", "collections.OrderedDict"),
    ],
)
def test_absolute_imports_bind_what_they_import(source: str, name: str, target: str) -> None:
    found = bindings(source)
    assert found.targets(name) == frozenset({target})
    assert found.import_target(name) == target


@pytest.mark.parametrize(
    "source",
    [
        "from . import importlib",
        "from .import importlib",
        "from .. import importlib",
        "from .compat import importlib",
        "from .compat import thing as importlib",
    ],
)
def test_relative_imports_are_the_packages_own(source: str) -> None:
    found = bindings(source)
    assert found.targets("importlib") == frozenset({RELATIVE})
    assert found.import_target("importlib") is None
    assert not found.bound_only_locally("importlib")


def test_an_import_and_another_binding_is_ambiguous() -> None:
    found = bindings("import json\ndef f(json):\n    return json")
    assert found.targets("json") == frozenset({"json", LOCAL})
    assert found.import_target("json") is None


def test_uses_are_not_bindings() -> None:
    found = bindings(
        "print(sep='')\njson.dumps(x, indent=2)\nif a == b or c <= d: pass\nmatch cmd:\n    pass"
    )
    for name in ("print", "json", "indent", "a", "c", "cmd"):
        assert not found.is_bound(name), name


def test_star_imports_are_noted() -> None:
    assert bindings("from tkinter import *").star_import
    assert not bindings("from tkinter import Tk").star_import


def test_bindings_in_strings_and_comments_bind_nothing() -> None:
    found = bindings(
        'def f():\n    """Return it as bytes.\n\n    >>> json = load()\n    """\n'
        "    # for type in types: ...\n    x = 'as str'\n"
    )
    for name in ("bytes", "json", "type", "str"):
        assert not found.is_bound(name), name
    assert found.is_bound("x")


def test_a_functions_bindings_are_its_own() -> None:
    source = (
        "import json\n"
        "def read(self, json, bytes=None):\n"
        "    bytes = self.raw()\n"
        "    return json\n"
        "class Reader:\n"
        "    str = 'class attribute'\n"
        "    def method(self):\n"
        "        return str(bytes)\n"
        "    text = str\n"
        "def other():\n"
        "    return bytes, json, str\n"
    )
    found = bindings(source)
    assert found.targets("bytes", 2) == frozenset({LOCAL})  # in read
    assert found.targets("json", 3) == frozenset({"json", LOCAL})  # the parameter
    assert found.targets("bytes", 10) == frozenset()  # another function: the builtin
    assert found.targets("json", 10) == frozenset({"json"})  # the module
    assert found.targets("str", 8) == frozenset({LOCAL})  # the class body itself
    assert found.targets("str", 7) == frozenset()  # a method does not see the class's names
    assert found.targets("read", 10) == frozenset({LOCAL})  # a module-level def


def test_parameters_over_several_lines_are_seen_there() -> None:
    source = "def compile(\n    self,\n    zip: str = 'deflated',\n):\n    return zip\nzip\n"
    found = bindings(source)
    assert found.targets("zip", 2) == frozenset({LOCAL})
    assert found.targets("zip", 4) == frozenset({LOCAL})
    assert found.targets("zip", 5) == frozenset()
