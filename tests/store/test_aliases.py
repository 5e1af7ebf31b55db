"""Docset origins and aliases: written by the real writer, read back through the store.

The docset is the ``json`` part of the real stdlib docs (read from the bundled database),
written again under another name with the aliases a package's own layout gives it
(``JSONDecoder`` is defined in ``json.decoder``, documented as ``json.JSONDecoder``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.builder.writer import write_database
from docs_daemon.schema import Kind
from docs_daemon.store import DocStore

ALIASES = {
    "json.decoder.JSONDecoder": "json.JSONDecoder",
    "json.encoder.JSONEncoder": "json.JSONEncoder",
    "json.decoder.JSONDecodeError": "json.JSONDecodeError",
    # Names that are entries themselves (here or in another database) and aliases to
    # nothing documented: the first kind must never hide an entry, the second is dropped.
    "json.dumps": "json.loads",
    "os.path.join": "json.dumps",
    "json.scanner.make_scanner": "json.not_documented",
}


def json_docset(bundled_db: Path, aliases: dict[str, str]) -> Docset:
    """The real ``json`` entries of the stdlib docs as a third-party-like docset."""
    connection = sqlite3.connect(bundled_db)
    try:
        rows = connection.execute(
            "SELECT qualname, name, kind, parent, signature, summary, body, url FROM entries "
            "WHERE qualname = 'json' OR qualname LIKE 'json.%' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    entries = [
        DocEntry(q, n, Kind(k), p, sig, summary, body, url)
        for q, n, k, p, sig, summary, body, url in rows
    ]
    return Docset(
        name="jsonlib",
        version="2.0",
        base_url="https://docs.python.org/3.11/",
        source="module:json",
        entries=entries,
        origin="docstrings",
        distribution="jsonlib",
        source_digest="sha256:feedface",
        aliases=aliases,
    )


@pytest.fixture
def json_db(bundled_db: Path, tmp_path: Path) -> Path:
    output = tmp_path / "jsonlib.sqlite"
    write_database(output, [json_docset(bundled_db, ALIASES)])
    return output


@pytest.fixture
async def both(json_db: Path, bundled_db: Path) -> AsyncIterator[DocStore]:
    store = DocStore([json_db, bundled_db])
    await store.wait_ready()
    yield store
    await store.close()


async def test_docset_facts_are_read(both: DocStore) -> None:
    jsonlib, python = await both.docsets()
    assert (jsonlib.name, jsonlib.origin, jsonlib.distribution) == (
        "jsonlib",
        "docstrings",
        "jsonlib",
    )
    assert jsonlib.source_digest == "sha256:feedface"
    assert (python.name, python.origin, python.distribution) == ("python", "official", "")


async def test_entries_carry_their_docset_origin(both: DocStore) -> None:
    ours = await both.lookup("json.dumps")
    theirs = await both.lookup("os.path.join")
    assert ours is not None and (ours.docset, ours.origin) == ("jsonlib", "docstrings")
    assert theirs is not None and (theirs.docset, theirs.origin) == ("python", "official")
    found = await both.search("JSONDecoder", limit=5)
    assert found[0].qualname == "json.JSONDecoder"
    assert found[0].origin == "docstrings"
    members = await both.members("json", "dump")
    assert {(m.qualname, m.origin) for m in members} == {
        ("json.dump", "docstrings"),
        ("json.dumps", "docstrings"),
    }


async def test_lookup_falls_back_to_an_alias(both: DocStore) -> None:
    entry = await both.lookup("json.decoder.JSONDecoder")
    assert entry is not None
    assert (entry.qualname, entry.docset) == ("json.JSONDecoder", "jsonlib")
    assert "JSON decoder" in entry.summary


async def test_an_entry_wins_over_an_alias(both: DocStore) -> None:
    dumps = await both.lookup("json.dumps")
    assert dumps is not None and dumps.qualname == "json.dumps"
    # The alias sits in the first database, the entry in the second: the entry still wins.
    join = await both.lookup("os.path.join")
    assert join is not None and (join.qualname, join.docset) == ("os.path.join", "python")


async def test_lookup_many_mixes_entries_and_aliases(both: DocStore) -> None:
    names = [
        "json.encoder.JSONEncoder",
        "missing.name",
        "os.path.join",
        "json.scanner.make_scanner",
        "json.decoder.JSONDecodeError",
    ]
    found = await both.lookup_many(names)
    assert [e.qualname for e in found] == [
        "json.JSONEncoder",
        "os.path.join",
        "json.JSONDecodeError",
    ]


async def test_docset_filter_applies_to_aliases(both: DocStore) -> None:
    both.use_docsets(["python"])
    assert await both.lookup("json.decoder.JSONDecoder") is None
    both.use_docsets(None)
    assert await both.lookup("json.decoder.JSONDecoder") is not None


async def test_rebuilding_a_docset_replaces_its_aliases(json_db: Path, bundled_db: Path) -> None:
    write_database(json_db, [json_docset(bundled_db, {"json.codec.Decoder": "json.JSONDecoder"})])
    store = DocStore([json_db])
    await store.wait_ready()
    try:
        assert await store.lookup("json.decoder.JSONDecoder") is None
        entry = await store.lookup("json.codec.Decoder")
        assert entry is not None and entry.qualname == "json.JSONDecoder"
    finally:
        await store.close()
    connection = sqlite3.connect(json_db)
    try:
        assert connection.execute("SELECT alias, qualname FROM aliases").fetchall() == [
            ("json.codec.Decoder", "json.JSONDecoder")
        ]
    finally:
        connection.close()


async def test_a_member_of_a_class_known_by_another_name(json_db: Path) -> None:
    store = DocStore([json_db])
    await store.wait_ready()
    try:
        # Not an alias itself, but its owner is: the member is looked up on the documented one.
        found = await store.lookup_through_owner("json.decoder.JSONDecoder.decode")
        assert found is not None and found.qualname == "json.JSONDecoder.decode"
        assert await store.lookup_many(["json.decoder.JSONDecoder.decode"]) == []
        # An owner documented under its own name: its missing member is simply missing.
        assert await store.lookup_through_owner("json.JSONDecoder.no_such_member") is None
        assert await store.lookup_through_owner("json.decoder.JSONDecoder.no_such") is None
        assert await store.lookup_through_owner("json") is None
    finally:
        await store.close()
