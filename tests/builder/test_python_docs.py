"""The stdlib docs built from Debian's real HTML: complete, correct text, well-formed Markdown."""

from __future__ import annotations

import random
import re
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sphobjinv

from docs_daemon import __version__
from docs_daemon.schema import APPLICATION_ID, SCHEMA_VERSION
from tests.builder.conftest import PYTHON_BASE_URL
from tests.builder.html_oracle import anchor_node, dt_text, first_sentence, plain

pytestmark = pytest.mark.slow

TABLES_URL = PYTHON_BASE_URL + "library/stdtypes.html"

#: Hand-picked entries of every kind the stdlib inventory has.
SPOT_CHECKS = [
    ("json.dumps", "function"),
    ("os.path.join", "function"),
    ("len", "function"),
    ("open", "function"),
    ("functools.lru_cache", "function"),
    ("asyncio.run", "function"),
    ("str.split", "method"),
    ("dict.get", "method"),
    ("collections.OrderedDict.move_to_end", "method"),
    ("pathlib.Path.read_text", "method"),
    ("datetime.datetime.fromisoformat", "method"),
    ("list.sort", "method"),
    ("sqlite3.Connection.backup", "method"),
    ("json.JSONEncoder", "class"),
    ("collections.OrderedDict", "class"),
    ("pathlib.PurePath", "class"),
    ("argparse.ArgumentParser", "class"),
    ("dict", "class"),
    ("KeyError", "exception"),
    ("json.JSONDecodeError", "exception"),
    ("subprocess.CalledProcessError", "exception"),
    ("BaseException.args", "attribute"),
    ("datetime.datetime.year", "attribute"),
    ("subprocess.CompletedProcess.returncode", "attribute"),
    ("sys.maxsize", "data"),
    ("os.sep", "data"),
    ("string.ascii_letters", "data"),
    ("None", "data"),
    ("json", "module"),
    ("os.path", "module"),
    ("collections", "module"),
    ("itertools", "module"),
]


@pytest.fixture(scope="module")
def inventory(python_html: Path) -> sphobjinv.Inventory:
    return sphobjinv.Inventory(python_html / "objects.inv")


def _entry(conn: sqlite3.Connection, qualname: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM entries WHERE qualname = ?", (qualname,)
    ).fetchone()
    assert row is not None, f"{qualname} is missing"
    return row


def test_counts_per_kind_equal_objects_inv(
    python_conn: sqlite3.Connection, inventory: sphobjinv.Inventory
) -> None:
    expected = Counter(o.role for o in inventory.objects if o.domain == "py")
    names = {o.name for o in inventory.objects if o.domain == "py"}
    rows = python_conn.execute("SELECT qualname, kind FROM entries").fetchall()
    found = Counter(r["kind"] for r in rows if r["qualname"] in names)
    assert found == expected
    assert sum(expected.values()) == 9309
    others = Counter(r["kind"] for r in rows if r["qualname"] not in names)
    keywords = others.pop("keyword")
    assert keywords >= 30
    # Everything else comes from the sequence tables (see the tests below).
    assert set(others) == {"method"}
    assert others["method"] == len(_table_entries(python_conn))


def _table_entries(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    rows = conn.execute(
        "SELECT * FROM entries WHERE url LIKE ? OR url LIKE ?",
        (f"{TABLES_URL}#typesseq-common", f"{TABLES_URL}#typesseq-mutable"),
    ).fetchall()
    return {r["qualname"]: r for r in rows}


def _table_rows(python_html: Path, anchor: str) -> dict[str, str]:
    """Method name → result text of each ``s.NAME(...)`` row, read independently of the builder."""
    node = anchor_node(python_html, "library/stdtypes.html", anchor)
    while node.tag != "section":
        assert node.parent is not None
        node = node.parent
    table = node.css_first("table")
    assert table is not None
    rows: dict[str, str] = {}
    for tr in table.css("tbody tr"):
        operation, result = (plain(td.text()) for td in tr.css("td")[:2])
        match = re.match(r"s\.(\w+)\(", operation)
        if match:
            rows[match.group(1)] = result
    return rows


def test_sequence_table_methods(
    python_conn: sqlite3.Connection, python_html: Path, inventory: sphobjinv.Inventory
) -> None:
    derived = _table_entries(python_conn)
    mutable = _table_rows(python_html, "typesseq-mutable")
    common = _table_rows(python_html, "typesseq-common")
    assert {"append", "clear", "copy", "extend", "insert", "pop", "remove", "reverse"} <= set(
        mutable
    )
    assert set(common) == {"index", "count"}
    expected = {f"{t}.{n}": r for t in ("list", "bytearray") for n, r in mutable.items()}
    expected |= {f"{t}.{n}": r for t in ("list", "tuple", "range") for n, r in common.items()}
    # Only names the inventory lacks: bytearray documents its own index() and count().
    documented = {o.name for o in inventory.objects if o.domain == "py"}
    assert {"bytearray.index", "bytearray.count", "list.sort"} <= documented
    expected = {q: r for q, r in expected.items() if q not in documented}
    assert derived.keys() == expected.keys()
    for qualname, result in expected.items():
        row = derived[qualname]
        type_name, _, name = qualname.partition(".")
        assert (row["kind"], row["parent"], row["name"]) == ("method", type_name, name)
        assert plain(result).lower() in plain(row["summary"]).lower()
        assert row["body"].startswith(row["summary"])
        assert "table of sequence operations" in row["body"]
        assert row["priority"] < _entry(python_conn, "str.split")["priority"]
        assert row["signature"].startswith("(") and row["signature"].endswith(")")


def test_sequence_table_details(python_conn: sqlite3.Connection) -> None:
    append = _entry(python_conn, "list.append")
    assert "appends x to the end of the sequence" in plain(append["summary"]).lower()
    assert append["signature"] == "(x)"
    assert append["url"] == f"{TABLES_URL}#typesseq-mutable"
    assert _entry(python_conn, "bytearray.append")["parent"] == "bytearray"
    pop = _entry(python_conn, "list.pop")
    assert pop["signature"] == "([i])"
    assert "defaults to `-1`" in pop["body"]  # note (2) of the row
    assert "ValueError" in _entry(python_conn, "list.remove")["body"]  # note (3)
    index = _entry(python_conn, "tuple.index")
    assert index["signature"] == "(x[, i[, j]])"
    assert index["url"] == f"{TABLES_URL}#typesseq-common"
    assert "ValueError" in index["body"]  # note (8)
    assert _entry(python_conn, "range.count")["kind"] == "method"
    # The inventory's own objects are untouched.
    sort = _entry(python_conn, "list.sort")
    assert sort["url"] == f"{TABLES_URL}#list.sort"
    assert "in place" in sort["summary"] and "table of sequence operations" not in sort["body"]
    assert "table of sequence operations" not in _entry(python_conn, "bytearray.count")["body"]
    # One entry per name and type, whichever table mentions it (list is in both).
    methods = python_conn.execute(
        "SELECT parent, name FROM entries WHERE parent IN ('list', 'tuple', 'range', 'bytearray')"
    ).fetchall()
    assert len(methods) == len({(r["parent"], r["name"]) for r in methods})


def test_every_inventory_object_has_text(
    python_conn: sqlite3.Connection, inventory: sphobjinv.Inventory
) -> None:
    names = {o.name for o in inventory.objects if o.domain == "py"}
    rows = python_conn.execute("SELECT qualname, summary, body FROM entries").fetchall()
    by_name = {r["qualname"]: r for r in rows}
    assert names <= by_name.keys()
    textless = sorted(n for n in names if not by_name[n]["summary"] or not by_name[n]["body"])
    # The HTML itself has a handful of objects with no text anywhere near them.
    assert len(textless) <= 5, textless


@pytest.mark.parametrize(("qualname", "kind"), SPOT_CHECKS)
def test_spot_check_against_html(
    python_conn: sqlite3.Connection, python_html: Path, qualname: str, kind: str
) -> None:
    row = _entry(python_conn, qualname)
    assert row["kind"] == kind
    url = urlsplit(row["url"])
    assert row["url"].startswith(PYTHON_BASE_URL)
    node = anchor_node(python_html, url.path.removeprefix("/3.11/"), url.fragment)
    if kind == "module":
        assert url.fragment == f"module-{qualname}"
        assert len(row["body"]) > 200
        assert plain(row["summary"]) in plain(row["body"])
        return
    assert url.fragment == qualname
    signature_line = dt_text(node)
    assert qualname.rpartition(".")[2] in signature_line
    if kind != "data":
        assert row["signature"] == "" or signature_line.endswith(row["signature"])
    else:
        assert row["signature"] == ""
    sentence = first_sentence(node)
    assert sentence, f"{qualname}: the oracle found no text"
    assert plain(sentence) in plain(row["body"]), (sentence, row["body"][:400])


def test_signatures_are_those_of_the_docs(python_conn: sqlite3.Connection) -> None:
    def signature(qualname: str) -> str:
        return str(_entry(python_conn, qualname)["signature"])

    assert signature("json.dumps").startswith("(obj, *, skipkeys=False, ensure_ascii=True,")
    assert signature("str.split") == "(sep=None, maxsplit=-1)"
    assert signature("collections.OrderedDict.move_to_end") == "(key, last=True)"
    assert signature("os.path.join") == "(path, *paths)"
    assert signature("json.JSONEncoder").startswith("(*, skipkeys=False")
    assert signature("json") == ""
    assert signature("unittest.skipIf") == "(condition, reason)"  # "@" + "unittest." + name
    assert signature("typing.final") == ""


def test_random_sample_anchor_and_text(python_conn: sqlite3.Connection, python_html: Path) -> None:
    rows = python_conn.execute(
        "SELECT * FROM entries WHERE kind NOT IN ('module', 'keyword') ORDER BY qualname"
    ).fetchall()
    sample = random.Random(311).sample(rows, 60)
    checked = 0
    for row in sample:
        url = urlsplit(row["url"])
        node = anchor_node(python_html, url.path.removeprefix("/3.11/"), url.fragment)
        assert node.tag == "dt", row["qualname"]
        dl = node.parent
        assert dl is not None
        dd = next(c for c in dl.iter() if c.tag == "dd")
        if dd.css_first("dl.py") is not None:
            continue  # a class whose text the oracle cannot tell apart from its members'
        sentence = first_sentence(node)
        if sentence:
            assert plain(sentence) in plain(row["body"]), (row["qualname"], sentence)
            checked += 1
    assert checked >= 40


def test_parents(python_conn: sqlite3.Connection) -> None:
    def parent(qualname: str) -> str | None:
        value = _entry(python_conn, qualname)["parent"]
        return None if value is None else str(value)

    assert parent("collections.OrderedDict.move_to_end") == "collections.OrderedDict"
    assert parent("os.path.join") == "os.path"
    assert parent("os.path") == "os"
    assert parent("str.split") == "str"
    assert parent("len") is None
    assert parent("json") is None
    assert parent("xml.etree.ElementTree.Element.find") == "xml.etree.ElementTree.Element"
    # Classes the docs describe without an inventory entry still own their members.
    assert parent("curses.window.addch") == "curses.window"
    assert parent("re.Pattern.findall") == "re.Pattern"
    orphans = python_conn.execute(
        "SELECT count(*) FROM entries WHERE parent IS NOT NULL"
        " AND qualname <> parent || '.' || name"
    ).fetchone()[0]
    assert orphans == 0


@pytest.mark.parametrize("word", ["with", "yield", "lambda", "match", "async for", "try", "import"])
def test_keywords(python_conn: sqlite3.Connection, word: str) -> None:
    row = _entry(python_conn, word)
    assert row["kind"] == "keyword"
    assert row["parent"] is None
    assert row["signature"] == ""
    assert row["url"].startswith(PYTHON_BASE_URL + "reference/")
    assert word.split()[-1] in row["body"]
    assert len(row["summary"]) > 30 and not row["summary"].startswith("*New in")


def test_keyword_text_comes_from_the_language_reference(python_conn: sqlite3.Connection) -> None:
    with_body = str(_entry(python_conn, "with")["body"])
    assert "context manager" in with_body
    assert "```python\nwith EXPRESSION as TARGET:" in with_body
    assert "__enter__" in with_body and "__exit__" in with_body
    assert "pattern" in str(_entry(python_conn, "match")["body"]).lower()
    # None/True/False are documented as constants, not duplicated as keywords.
    kinds = dict(
        python_conn.execute(
            "SELECT qualname, kind FROM entries WHERE qualname IN ('None', 'True', 'False')"
        ).fetchall()
    )
    assert kinds == {"None": "data", "True": "data", "False": "data"}


def test_markdown_is_clean(python_conn: sqlite3.Connection) -> None:
    bodies = [r[0] for r in python_conn.execute("SELECT body FROM entries")]
    assert not [b for b in bodies if "\u00b6" in b]
    fences: Counter[str] = Counter()
    for body in bodies:
        inside = False
        for line in body.splitlines():
            if line.startswith("```"):
                if not inside:
                    fences[line[3:]] += 1
                inside = not inside
        assert not inside, "unclosed code fence"
    assert fences[""] == 0, "a code block without a language"
    assert fences["python"] > 500 and fences["pycon"] > 300
    prose = [re.sub(r"```.*?```|`[^`]*`", "", b, flags=re.DOTALL) for b in bodies]
    assert not [p for p in prose if re.search(r"</?(div|span|dl|dd|dt|p)[ >]", p)]
    relative_links = [b for b in bodies if re.search(r"\]\((?!https?://|mailto:)", b)]
    assert not relative_links[:3]


def test_markdown_keeps_notes_versions_and_tables(python_conn: sqlite3.Connection) -> None:
    dumps = str(_entry(python_conn, "json.dumps")["body"])
    assert "> **Note:** Keys in key/value pairs of JSON are always of the type" in dumps
    assert "[`dump()`](https://docs.python.org/3.11/library/json.html#json.dump)" in dumps
    run = str(_entry(python_conn, "asyncio.run")["body"])
    assert "*New in version 3.7.*" in run and "*Changed in version 3.9:*" in run
    strftime = str(_entry(python_conn, "time.strftime")["body"])
    assert "| Directive | Meaning | Notes |" in strftime


def test_database_metadata(python_db: Path, python_conn: sqlite3.Connection) -> None:
    meta = dict(python_conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["application"] == APPLICATION_ID
    assert meta["builder_version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", meta["built_at"])
    docset = python_conn.execute("SELECT * FROM docsets").fetchone()
    count = python_conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert (docset["name"], docset["version"], docset["base_url"]) == (
        "python",
        "3.11",
        PYTHON_BASE_URL,
    )
    assert docset["entry_count"] == count
    assert python_conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not python_db.with_name(python_db.name + "-wal").exists()
    assert python_conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0


def test_full_text_index_matches_words_of_names(python_conn: sqlite3.Connection) -> None:
    def search(query: str) -> set[str]:
        return {
            r[0]
            for r in python_conn.execute(
                "SELECT e.qualname FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid "
                "WHERE entries_fts MATCH ?",
                (query,),
            )
        }

    assert "collections.OrderedDict.move_to_end" in search('"ordered" "dict" "move" "end"')
    assert "json.JSONDecodeError" in search('"decode" "error" "json"')
    assert "os.path.join" in search('"path" "join"')
    assert (
        python_conn.execute("SELECT count(*) FROM entries_fts").fetchone()[0]
        == (python_conn.execute("SELECT count(*) FROM entries").fetchone()[0])
    )


def test_priority_prefers_public_and_shallow(python_conn: sqlite3.Connection) -> None:
    def priority(qualname: str) -> int:
        return int(_entry(python_conn, qualname)["priority"])

    assert priority("json.dumps") > priority("json.JSONEncoder.encode")
    assert priority("os") > priority("os.path")
    assert priority("sys.exit") > priority("sys._getframe")
    # Deprecated aliases yield to what they alias (a tie-break among same-shaped names).
    assert priority("collections.OrderedDict") > priority("typing.OrderedDict")
    assert priority("asyncio") > priority("asyncore")
