"""The library: databases loaded and unloaded while serving, explicit precedence, one bad
file never breaking the others, and files built after the start picked up by a reload."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from docs_daemon.store import DocStore, Precedence, StoreError, StoreEvent
from tests.store.conftest import copy_database


def _docset(bundled_db: Path, path: Path, name: str, dumps_summary: str) -> Path:
    """A copy of the real docs under another docset name, whose ``json.dumps`` says
    ``dumps_summary`` so a test sees which database answered."""
    copy_database(bundled_db, path, name=name)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE entries SET summary = ? WHERE qualname = 'json.dumps'", (dumps_summary,)
        )
    connection.close()
    return path


async def _answer(store: DocStore) -> str:
    entry = await store.lookup("json.dumps")
    assert entry is not None
    return entry.docset


@pytest.fixture
def third(bundled_db: Path, tmp_path: Path) -> Path:
    return _docset(bundled_db, tmp_path / "third.sqlite", "third", "Third party.")


@pytest.fixture
def project(bundled_db: Path, tmp_path: Path) -> Path:
    return _docset(bundled_db, tmp_path / "project.sqlite", "project", "Project.")


async def test_precedence_is_explicit_not_the_order_of_loading(
    bundled_db: Path, third: Path, project: Path
) -> None:
    store = DocStore(stdlib=[bundled_db])
    await store.wait_ready()
    try:
        assert await _answer(store) == "python"
        await store.load(third)  # a docset: before the stdlib
        assert await _answer(store) == "third"
        await store.load(project, precedence=Precedence.CONFIGURED)
        assert await _answer(store) == "project"
        assert [(i.path, i.precedence, i.status) for i in store.loaded()] == [
            (project, Precedence.CONFIGURED, "serving"),
            (third, Precedence.DOCSET, "serving"),
            (bundled_db, Precedence.STDLIB, "serving"),
        ]
        assert [d.name for d in await store.docsets()] == ["project", "third", "python"]
        # Loading a served path again only moves it.
        info = await store.load(third, precedence=Precedence.CONFIGURED)
        assert info.path == third
        assert [i.path for i in store.loaded()] == [project, third, bundled_db]
    finally:
        await store.close()


async def test_unload_while_queries_run(bundled_db: Path, third: Path) -> None:
    store = DocStore(stdlib=[bundled_db])
    events: list[StoreEvent] = []
    store.add_listener(events.append)
    await store.wait_ready()
    await store.load(third)
    stop = asyncio.Event()
    answers: list[str] = []
    failures: list[BaseException] = []

    async def reader() -> None:
        while not stop.is_set():
            try:
                answers.append(await _answer(store))
                assert await store.search("path join", 5)
            except Exception as error:
                failures.append(error)
            await asyncio.sleep(0)

    readers = [asyncio.create_task(reader()) for _ in range(3)]
    try:
        await asyncio.sleep(0.05)
        assert await store.unload(third) is True
        tail = len(answers)
        await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*readers)
    try:
        assert not failures, failures[:3]
        assert "third" in answers[:tail] and set(answers[tail + 3 :]) == {"python"}
        assert [i.path for i in store.loaded()] == [bundled_db]
        assert await store.unload(third) is False
        assert [e.kind for e in events] == ["loaded", "loaded", "unloaded"]
    finally:
        await store.close()


async def test_a_bad_file_is_one_clear_error_and_the_rest_serve(
    bundled_db: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 512)
    missing = tmp_path / "missing.sqlite"
    store = DocStore([missing], stdlib=[bundled_db])
    events: list[StoreEvent] = []
    store.add_listener(events.append)
    await store.wait_ready()
    try:
        assert store.state == "ready"
        with pytest.raises(StoreError, match="not a readable SQLite database") as raised:
            await store.load(junk)
        assert str(junk) in str(raised.value)
        assert await _answer(store) == "python"
        problems = {i.path: (i.status, i.error) for i in store.loaded()}
        assert problems[missing][0] == "failed" and "No such file" in str(problems[missing][1])
        assert problems[junk][0] == "failed" and str(junk) in str(problems[junk][1])
        assert problems[bundled_db] == ("serving", None)
        kinds = sorted((e.kind, e.database.name) for e in events)
        assert kinds == [
            ("load_failed", "junk.sqlite"),
            ("load_failed", "missing.sqlite"),
            ("loaded", bundled_db.name),
        ]
    finally:
        await store.close()


async def test_a_file_built_later_is_picked_up_by_reload(
    bundled_db: Path, tmp_path: Path, third: Path
) -> None:
    later = tmp_path / "later.sqlite"
    store = DocStore(stdlib=[bundled_db])
    await store.wait_ready()
    try:
        with pytest.raises(StoreError, match="No such file"):
            await store.load(later)
        await store.reload()  # still missing: nothing happens, nothing is said again
        assert store.loaded()[0].status == "failed"
        third.replace(later)  # the build lands
        await store.reload()
        assert [i.status for i in store.loaded()] == ["serving", "serving"]
        assert await _answer(store) == "third"
    finally:
        await store.close()


async def test_a_refused_file_is_retried_only_once_it_changes(
    bundled_db: Path, tmp_path: Path, third: Path
) -> None:
    target = tmp_path / "docset.sqlite"
    target.write_bytes(b"half written" * 100)
    store = DocStore(stdlib=[bundled_db])
    events: list[StoreEvent] = []
    store.add_listener(events.append)
    await store.wait_ready()
    try:
        with pytest.raises(StoreError):
            await store.load(target)
        await store.reload()
        await store.reload()
        assert [e.kind for e in events].count("load_failed") == 1
        third.replace(target)
        await store.reload()
        assert await _answer(store) == "third"
        assert events[-1].kind == "loaded" and events[-1].database == target
    finally:
        await store.close()


async def test_concurrent_loads_of_one_path_share_one_copy(bundled_db: Path, third: Path) -> None:
    store = DocStore(stdlib=[bundled_db])
    await store.wait_ready()
    try:
        infos = await asyncio.gather(*(store.load(third) for _ in range(5)))
        assert len({info.uri for info in infos}) == 1
        assert len(store.loaded()) == 2
    finally:
        await store.close()


async def test_nothing_loadable_fails_the_store_until_a_load_succeeds(
    bundled_db: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.sqlite"
    store = DocStore([missing])
    with pytest.raises(StoreError, match="No such file"):
        await store.wait_ready()
    assert store.state == "failed"
    try:
        await store.load(bundled_db, precedence=Precedence.STDLIB)
        assert store.state == "ready" and store.error is None
        assert await _answer(store) == "python"
    finally:
        await store.close()


async def test_unload_during_the_first_load(bundled_db: Path, third: Path) -> None:
    store = DocStore(stdlib=[bundled_db])
    await store.wait_ready()
    try:
        loading = asyncio.create_task(store.load(third))
        await asyncio.sleep(0)
        assert await store.unload(third) is True
        with pytest.raises(StoreError, match="unloaded while it was loading"):
            await loading
        assert [i.path for i in store.loaded()] == [bundled_db]
        assert await _answer(store) == "python"
    finally:
        await store.close()


async def test_rebuilt_docsets_loaded_on_demand_are_swapped_in(
    bundled_db: Path, tmp_path: Path, third: Path
) -> None:
    store = DocStore(stdlib=[bundled_db])
    await store.wait_ready()
    try:
        await store.load(third)
        staging = _docset(bundled_db, tmp_path / "staging.sqlite", "third-v2", "Rebuilt.")
        staging.replace(third)
        await store.reload()
        assert await _answer(store) == "third-v2"
    finally:
        await store.close()
