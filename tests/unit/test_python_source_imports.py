"""The names a document's imports bind, read without parsing the whole file."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from docs_daemon.python_source import Imports, parse_imports

IMPORT_CASES = [
    ("import os", {"os": "os"}),
    ("import os.path", {"os": "os"}),
    ("import os.path as osp", {"osp": "os.path"}),
    ("import numpy as np, json", {"np": "numpy", "json": "json"}),
    ("from os import path", {"path": "os.path"}),
    ("from collections import OrderedDict as OD", {"OD": "collections.OrderedDict"}),
    (
        "from os.path import (join,\n    exists as ex,  # a comment\n)",
        {"join": "os.path.join", "ex": "os.path.exists"},
    ),
    ("from os import \\\n    sep", {"sep": "os.sep"}),
    ("from os.path \\\n    import join", {"join": "os.path.join"}),
    ("def f():\n    import json\n    return json", {"json": "json"}),
    ("try:\n    import ujson as json\nexcept ImportError:\n    import json", {"json": "json"}),
    ("if TYPE_CHECKING: import typing as t", {"t": "typing"}),
    ("x = 1; import re", {"re": "re"}),
    ("from . import sibling\nfrom .pkg import thing\nfrom os import *", {}),
    ('doc = """\nimport not_code\n"""\ntext = "; import nope"  # import nor_this', {}),
    ("import", {}),
    ("from os import", {}),
    (
        "import json\ndef broken(:\n    pass\nfrom os import path",
        {"json": "json", "path": "os.path"},
    ),
]


@pytest.mark.parametrize(("source", "aliases"), IMPORT_CASES)
def test_imports_bind_names(source: str, aliases: dict[str, str]) -> None:
    assert dict(parse_imports(source).aliases) == aliases


def test_crlf_line_ends() -> None:
    imports = parse_imports("import numpy as np\r\nfrom os import path\r\n")
    assert dict(imports.aliases) == {"np": "numpy", "path": "os.path"}


QUALIFY_CASES = [
    ("np.array", "numpy.array"),
    ("np", "numpy"),
    ("path.join", "os.path.join"),
    ("os.path.join", "os.path.join"),
    ("OD.move_to_end", "collections.OrderedDict.move_to_end"),
    ("pd.DataFrame", None),
    ("", None),
]


@pytest.mark.parametrize(("dotted", "qualified"), QUALIFY_CASES)
def test_qualify(dotted: str, qualified: str | None) -> None:
    imports = parse_imports(
        "import numpy as np\nimport os.path\nfrom os import path\n"
        "from collections import OrderedDict as OD\n"
    )
    assert imports.qualify(dotted) == qualified


def test_an_empty_imports_qualifies_nothing() -> None:
    assert Imports().qualify("os.path") is None


def _aliases_by_ast(source: str) -> dict[str, str]:
    """The same binding rules, read from the parse tree: the reference for real files."""
    nodes = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    aliases: dict[str, str] = {}
    for node in sorted(nodes, key=lambda node: (node.lineno, node.col_offset)):
        if isinstance(node, ast.Import):
            for name in node.names:
                if name.asname:
                    aliases[name.asname] = name.name
                else:
                    head = name.name.split(".")[0]
                    aliases[head] = head
        elif node.level == 0 and node.module:
            for name in node.names:
                if name.name != "*":
                    aliases[name.asname or name.name] = f"{node.module}.{name.name}"
    return aliases


def _stdlib_files() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return sorted(stdlib.glob("*.py"))[::4] + sorted(stdlib.glob("asyncio/*.py"))[::3]


@pytest.mark.parametrize("path", _stdlib_files(), ids=lambda path: path.name)
def test_real_files_agree_with_the_parse_tree(path: Path) -> None:
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        expected = _aliases_by_ast(source)
    except SyntaxError:
        pytest.skip("not valid Python for this interpreter")
    assert dict(parse_imports(source).aliases) == expected
