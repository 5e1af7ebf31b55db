"""Hot reload: swap under concurrent reads without a failed query, free the old copy, and
refuse a damaged or incompatible replacement while the old copy keeps serving."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from docs_daemon.store import DocStore, StoreEvent
from tests.store.conftest import copy_database


def _replace(bundled_db: Path, target: Path, **changes: str) -> None:
    """Write a changed copy beside ``target`` and rename it over (how builds land)."""
    staging = copy_database(bundled_db, target.with_suffix(".new"), **changes)
    staging.replace(target)


def _replace_with_bytes(target: Path, data: bytes) -> None:
    staging = target.with_suffix(".new")
    staging.write_bytes(data)
    staging.replace(target)


async def _version(docs: DocStore) -> str:
    (docset,) = await docs.docsets()
    return docset.version


async def test_reload_under_concurrent_reads(bundled_db: Path, db_copy: Path) -> None:
    docs = DocStore([db_copy])
    events: list[StoreEvent] = []
    docs.add_listener(events.append)
    await docs.wait_ready()
    (old_info,) = await docs.databases()
    stop = asyncio.Event()
    answered = 0
    failures: list[BaseException] = []

    async def reader(query: str) -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                assert await docs.lookup("json.dumps") is not None
                assert await docs.search(query, 5)
                assert await docs.members("os.path", "jo")
                answered += 3
            except Exception as error:
                failures.append(error)
            await asyncio.sleep(0)

    readers = [asyncio.create_task(reader(q)) for q in ("dumps", "path join", "odict")]
    try:
        for round_number in range(3):
            await asyncio.sleep(0.05)
            _replace(bundled_db, db_copy, version=f"rebuilt-{round_number}")
            await docs.reload()
            assert await _version(docs) == f"rebuilt-{round_number}"
        await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*readers)
    assert failures == []
    assert answered > 100
    assert [e.kind for e in events] == ["loaded", "reloaded", "reloaded", "reloaded"]
    # The first copy was released: its memdb name now opens an empty database.
    connection = sqlite3.connect(old_info.uri, uri=True)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        connection.execute("SELECT count(*) FROM entries")
    connection.close()
    await docs.close()


@pytest.mark.parametrize("damage", ["junk", "truncated", "schema", "empty"])
async def test_bad_replacement_is_refused_and_old_copy_serves(
    bundled_db: Path, db_copy: Path, damage: str
) -> None:
    docs = DocStore([db_copy])
    events: list[StoreEvent] = []
    docs.add_listener(events.append)
    await docs.wait_ready()
    version = await _version(docs)
    if damage == "junk":
        _replace_with_bytes(db_copy, b"\x00garbage" * 5000)
    elif damage == "truncated":
        _replace_with_bytes(db_copy, bundled_db.read_bytes()[: bundled_db.stat().st_size // 2])
    elif damage == "empty":
        _replace_with_bytes(db_copy, b"")
    else:
        _replace(bundled_db, db_copy, meta_schema_version="999")
    await docs.reload()
    assert [e.kind for e in events] == ["loaded", "reload_failed"]
    assert events[-1].database == db_copy
    assert str(db_copy) in events[-1].message
    assert "still serving the old copy" in events[-1].message
    assert await _version(docs) == version
    assert await docs.lookup("json.dumps") is not None
    # The same bad file is not retried on every poll...
    await docs.reload()
    assert len(events) == 2
    # ...but a good build after it is taken.
    _replace(bundled_db, db_copy, version="fixed")
    await docs.reload()
    assert events[-1].kind == "reloaded"
    assert await _version(docs) == "fixed"
    await docs.close()


async def test_watch_picks_up_a_rebuild(bundled_db: Path, db_copy: Path) -> None:
    docs = DocStore([db_copy])
    reloaded = asyncio.Event()
    docs.add_listener(lambda event: reloaded.set() if event.kind == "reloaded" else None)
    await docs.wait_ready()
    watcher = asyncio.create_task(docs.watch(interval=0.02))
    try:
        await asyncio.sleep(0.05)
        assert not reloaded.is_set()
        _replace(bundled_db, db_copy, version="watched")
        await asyncio.wait_for(reloaded.wait(), timeout=10)
        assert await _version(docs) == "watched"
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        await docs.close()


async def test_missing_file_during_rebuild_keeps_serving(db_copy: Path) -> None:
    docs = DocStore([db_copy])
    events: list[StoreEvent] = []
    docs.add_listener(events.append)
    await docs.wait_ready()
    db_copy.unlink()
    await docs.reload()
    await docs.reload()
    assert [e.kind for e in events] == ["loaded", "reload_failed"]
    assert await docs.lookup("json.dumps") is not None
    await docs.close()


async def test_disk_fallback_reloads_too(bundled_db: Path, db_copy: Path) -> None:
    docs = DocStore([db_copy], memory_limit=1 << 20)
    await docs.wait_ready()
    (info,) = await docs.databases()
    assert info.mode == "disk"
    _replace(bundled_db, db_copy, version="rebuilt-on-disk")
    await docs.reload()
    assert await _version(docs) == "rebuilt-on-disk"
    assert await docs.lookup("json.dumps") is not None
    await docs.close()
