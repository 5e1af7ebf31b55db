"""Hover targets against the real bundled docs: real code lands on entries that exist."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from docs_daemon.python_source import parse_imports, target_at
from docs_daemon.schema import entries

MARK = "‸"

PROGRAM = """\
import json
import subprocess
import itertools
import xml.etree.ElementTree as ET
from os import path
from collections import OrderedDict as OD, Counter
from datetime import datetime
from pathlib import Path
"""

# (line of code with the cursor marked, the documented name the hover must show)
REAL_CODE = [
    ("text = json.du‸mps(data, indent=2)", "json.dumps"),
    ("text = json.dumps(data, ind‸ent=2)", "json.dumps"),
    ("full = path.jo‸in(root, name)", "os.path.join"),
    ("top = Counter(words).most_com‸mon(3)", "collections.Counter.most_common"),
    ("now = datetime.n‸ow()", "datetime.datetime.now"),
    ("ok = Path('setup.py').exi‸sts()", "pathlib.Path.exists"),
    ("tree = ET.pa‸rse(source)", "xml.etree.ElementTree.parse"),
    ("done = subprocess.r‸un(args, check=True)", "subprocess.run"),
    ("flat = itertools.chain.from_itera‸ble(rows)", "itertools.chain.from_iterable"),
    ("words = line.strip().split()\nn = le‸n(words)", "len"),
    ("pri‸nt(f'{name}: {value}')", "print"),
    ("raise Value‸Error(message)", "ValueError"),
    ("parts = 'a,b'.spl‸it(',')", "str.split"),
    ("label = '-'.jo‸in(parts)", "str.join"),
    ("text = raw.decode() if raw else b''.deco‸de()", "bytes.decode"),
    ("value = {}.g‸et(key)", "dict.get"),
    ("both = set().uni‸on(other)", "frozenset.union"),
    ("pairs = dict(a=1).ite‸ms()", "dict.items"),
    ("size = (255).to_by‸tes(2, 'big')", "int.to_bytes"),
    ("whole = 1.5.is_inte‸ger()", "float.is_integer"),
    ("print(f'{json.du‸mps(data)}')", "json.dumps"),
    ("wi‸th open(name) as handle:\n    pass", "with"),
    ("squares = (yie‸ld x)", "yield"),
    ("key = lamb‸da item: item[1]", "lambda"),
    ("async def main():\n    asy‸nc for item in stream:\n        pass", "async for"),
    ("async def main():\n    await‸ task", "await"),
    ("ma‸tch command:\n    case _:\n        pass", "match"),
    ("match command:\n    case ‸_:\n        pass", "_"),
    ("def f():\n    glo‸bal counter", "global"),
    ("if key no‸t in seen:\n    pass", "in"),
    ("if a is n‸ot None:\n    pass", "is"),
    ("value = No‸ne", "None"),
]


@pytest.fixture(scope="module")
def documented(bundled_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{bundled_db}?mode=ro", uri=True)
    yield connection
    connection.close()


def _first_documented(connection: sqlite3.Connection, candidates: tuple[str, ...]) -> str | None:
    query = f"SELECT 1 FROM {entries.name} WHERE {entries.c.qualname.name} = ? LIMIT 1"
    for candidate in candidates:
        if connection.execute(query, (candidate,)).fetchone() is not None:
            return candidate
    return None


@pytest.mark.parametrize(("code", "entry"), REAL_CODE)
def test_real_code_lands_on_a_documented_entry(
    documented: sqlite3.Connection, code: str, entry: str
) -> None:
    marked = PROGRAM + code
    before, _, after = marked.partition(MARK)
    source = before + after
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    found = target_at(source, line, column, parse_imports(source))
    assert found is not None
    assert _first_documented(documented, found.candidates) == entry


def test_an_unknown_receiver_names_a_documented_member(documented: sqlite3.Connection) -> None:
    source = "def f(value):\n    return value.split()"
    found = target_at(source, 1, source.split("\n")[1].index("split") + 1)
    assert found is not None
    assert found.member == "split"
    query = f"SELECT COUNT(*) FROM {entries.name} WHERE {entries.c.name.name} = ?"
    assert documented.execute(query, (found.member,)).fetchone()[0] >= 2
