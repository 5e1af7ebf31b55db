"""Loading: clear errors naming the file, read-only connections, the memory copy's lifetime,
odd paths, precedence between databases, and the disk fallback past the memory cap."""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
from pathlib import Path

import pytest

from docs_daemon.schema import SCHEMA_VERSION
from docs_daemon.store import DocStore, StoreError, StoreEvent
from docs_daemon.store.database import open_database
from docs_daemon.store.statements import Compiled
from tests.store.conftest import copy_database


async def _failure(paths: list[Path]) -> tuple[str, list[StoreEvent]]:
    docs = DocStore(paths)
    events: list[StoreEvent] = []
    docs.add_listener(events.append)
    with pytest.raises(StoreError) as raised:
        await docs.wait_ready()
    assert docs.state == "failed"
    assert docs.error == str(raised.value)
    await docs.close()
    return str(raised.value), events


async def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    message, events = await _failure([missing])
    assert str(missing) in message
    assert "No such file" in message
    assert [(e.kind, e.database) for e in events] == [("failed", missing)]


async def test_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    message, _ = await _failure([junk])
    assert str(junk) in message and "not a readable SQLite database" in message


async def test_foreign_sqlite_file(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    message, _ = await _failure([other])
    assert "not a docs-daemon database" in message and "meta" in message


async def test_wrong_schema_version(bundled_db: Path, tmp_path: Path) -> None:
    old = copy_database(bundled_db, tmp_path / "old.sqlite", meta_schema_version="0")
    message, _ = await _failure([old])
    assert str(old) in message
    assert f"schema version 0, but this docs-daemon reads version {SCHEMA_VERSION}" in message


async def test_wrong_application(bundled_db: Path, tmp_path: Path) -> None:
    other = copy_database(bundled_db, tmp_path / "app.sqlite", meta_application="something")
    message, _ = await _failure([other])
    assert "'something'" in message


async def test_damaged_file_is_refused(bundled_db: Path, tmp_path: Path) -> None:
    damaged = copy_database(bundled_db, tmp_path / "damaged.sqlite")
    data = bytearray(damaged.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 65536] = b"\xff" * 65536
    damaged.write_bytes(bytes(data))
    message, _ = await _failure([damaged])
    assert str(damaged) in message and "damaged" in message


async def test_start_returns_before_the_copy_is_ready(bundled_db: Path) -> None:
    docs = DocStore([bundled_db])
    states = [docs.state]
    await docs.start()
    states.append(docs.state)
    assert states == ["idle", "loading"]
    # A query asked during loading waits for the copy instead of failing.
    entry = await docs.lookup("json.dumps")
    states.append(docs.state)
    await docs.close()
    states.append(docs.state)
    assert entry is not None
    assert states == ["idle", "loading", "ready", "idle"]


async def test_every_connection_is_read_only(bundled_db: Path) -> None:
    database = await open_database(bundled_db, memory_limit=1 << 30, pool_size=3)
    try:
        for _ in range(3):
            with pytest.raises(StoreError, match="readonly"):
                await database.fetch(Compiled("DELETE FROM entries", {}, tuple), {})
        rows = await database.fetch(Compiled("SELECT count(*) FROM entries", {}, tuple), {})
        assert rows[0][0] > 9000
        assert database.snapshot.holder is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            database.snapshot.holder.execute("DELETE FROM entries")
    finally:
        await database.release()


def _count_entries(uri: str) -> int:
    connection = sqlite3.connect(uri, uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        connection.close()


async def test_memory_copy_lives_until_the_holder_closes(bundled_db: Path) -> None:
    database = await open_database(bundled_db, memory_limit=1 << 30, pool_size=2)
    uri = database.info.uri
    assert uri.startswith("file:/") and "vfs=memdb" in uri
    count = _count_entries(uri)
    # Every pooled connection closed and the engine disposed: the holder keeps the copy.
    await database.close_lanes()
    gc.collect()
    assert _count_entries(uri) == count
    # The holder closed: the shared name now opens an empty database.
    await database.drop_copy()
    gc.collect()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        _count_entries(uri)


async def test_two_loads_of_one_file_never_collide(bundled_db: Path) -> None:
    first = DocStore([bundled_db])
    second = DocStore([bundled_db])
    await asyncio.gather(first.wait_ready(), second.wait_ready())
    (info_one,), (info_two,) = await first.databases(), await second.databases()
    assert info_one.uri != info_two.uri
    await first.close()
    assert await second.lookup("json.dumps") is not None
    await second.close()


@pytest.mark.parametrize(
    "relative",
    [
        "with space/docs db.sqlite",
        "question?mark/a?b.sqlite",
        "hash#dir/x#y.sqlite",
        "percent%41/p%2Fq.sqlite",
        "ünïcødé/文档.sqlite",
    ],
)
async def test_odd_paths(bundled_db: Path, tmp_path: Path, relative: str) -> None:
    path = copy_database(bundled_db, tmp_path / relative)
    before = set(tmp_path.rglob("*"))
    docs = DocStore([path])
    await docs.wait_ready()
    assert await docs.lookup("json.dumps") is not None
    (info,) = await docs.databases()
    assert info.path == path
    await docs.close()
    assert set(tmp_path.rglob("*")) == before  # no stray file made from a cut-off name


async def test_earlier_databases_take_precedence(bundled_db: Path, tmp_path: Path) -> None:
    project = copy_database(bundled_db, tmp_path / "a" / "docs.sqlite", name="project")
    connection = sqlite3.connect(project)
    with connection:
        connection.execute(
            "UPDATE entries SET summary = 'Project dumps.' WHERE qualname = 'json.dumps'"
        )
    connection.close()
    docs = DocStore([project, bundled_db])
    await docs.wait_ready()
    try:
        entry = await docs.lookup("json.dumps")
        assert entry is not None
        assert (entry.docset, entry.summary) == ("project", "Project dumps.")
        found = await docs.search("json.dumps", limit=5)
        assert found[0].docset == "project"
        assert sum(e.qualname == "json.dumps" for e in found) == 1
        assert [d.name for d in await docs.docsets()] == ["project", "python"]
        docs.use_docsets(["python"])
        entry = await docs.lookup("json.dumps")
        assert entry is not None and entry.docset == "python"
        members = await docs.members("json", "dumps")
        assert [(m.name, m.docset) for m in members] == [("dumps", "python")]
    finally:
        await docs.close()


async def test_over_the_memory_cap_serves_from_disk(
    bundled_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    docs = DocStore([bundled_db], memory_limit=1 << 20)
    with caplog.at_level(logging.WARNING, logger="docs_daemon.store"):
        await docs.wait_ready()
    try:
        (info,) = await docs.databases()
        assert info.mode == "disk"
        assert "immutable=1" in info.uri
        assert any("over the in-memory limit" in record.message for record in caplog.records)
        entry = await docs.lookup("json.dumps")
        assert entry is not None
        assert (await docs.search("dumps", 3))[0].qualname == "json.dumps"
        assert "join" in {e.name for e in await docs.members("os.path")}
    finally:
        await docs.close()


async def test_big_copies_skip_the_page_scan_but_refuse_truncation(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docs_daemon.store import loader

    monkeypatch.setattr(loader, "FULL_CHECK_MAX_BYTES", 0)
    whole = copy_database(bundled_db, tmp_path / "whole.sqlite")
    docs = DocStore([whole])
    await docs.wait_ready()
    assert await docs.lookup("json.dumps") is not None
    await docs.close()
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(bundled_db.read_bytes()[: bundled_db.stat().st_size * 2 // 3])
    message, _ = await _failure([truncated])
    assert str(truncated) in message
    assert any(word in message for word in ("damaged", "incomplete", "malformed"))
