"""The real inference worker process, started by the real client, on machines that are not
the developer's: a home whose cache cannot be written, an interpreter that cannot start it."""

from __future__ import annotations

import logging
import os
import pickle
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from docs_daemon.inference import InferenceClient
from docs_daemon.inference.client import Source
from docs_daemon.inference.stub_cache import StubCache

SOURCE = Source("file:///w/example.py", "1", "import os\nos.path.join('a', 'b')\n", None)


@pytest.fixture
async def client() -> AsyncIterator[InferenceClient]:
    inference = InferenceClient(timeout=30.0)
    yield inference
    await inference.close()


async def test_a_worker_answers_where_the_cache_directory_cannot_be_written(
    client: InferenceClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A directory under a regular file can never be created, not even by root.
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_directory / "cache"))
    answer = await client.name_at(SOURCE, 1, 12)
    assert answer is not None
    assert answer.groups[0][0] == "os.path.join"
    assert answer.origin == "stdlib"


async def test_a_cache_cut_short_by_a_killed_worker_heals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = InferenceClient(timeout=30.0)
    try:
        assert await first.name_at(SOURCE, 1, 12) is not None
    finally:
        await first.close()
    pickles = list((tmp_path / "docs-daemon" / "inference").rglob("*.pkl"))
    assert pickles, "the worker keeps its parsed stubs in a cache of its own"
    assert not (tmp_path / "jedi").exists() and not (tmp_path / "parso").exists()
    for cached in pickles:  # as a worker killed while writing each of them leaves it
        cached.write_bytes(cached.read_bytes()[: cached.stat().st_size // 2])

    second = InferenceClient(timeout=30.0)
    try:
        answer = await second.name_at(SOURCE, 1, 12)
    finally:
        await second.close()
    assert answer is not None
    assert answer.groups[0][0] == "os.path.join"


async def test_a_worker_that_cannot_start_says_why_in_one_line(
    client: InferenceClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The interpreter runs, but not our worker: it prints a reason and exits with status 3.
    monkeypatch.setattr(sys, "executable", "/bin/sh")
    monkeypatch.setattr(
        "docs_daemon.inference.client.WORKER_ARGUMENTS",
        ("-c", "echo 'No module named jedi' >&2; exit 3"),
    )
    with caplog.at_level(logging.WARNING, logger="docs_daemon.inference.client"):
        answer = await client.name_at(SOURCE, 1, 12)
    assert answer is None
    # The exit status itself may be lost (another part of the process can reap the child).
    said = [record.getMessage() for record in caplog.records if record.name.endswith("client")]
    assert len(said) == 1
    assert re.fullmatch(
        r"the inference worker did not start: exit status -?\d+; No module named jedi", said[0]
    ), said


def test_the_cache_is_our_own_and_a_private_one_is_removed_on_leaving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = StubCache.choose()
    assert cache == StubCache(tmp_path / "docs-daemon" / "inference", temporary=False)
    assert os.environ["XDG_CACHE_HOME"] == str(cache.directory)  # what jedi and parso read

    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked / "cache"))
    private = StubCache.choose()
    assert private.temporary and private.directory.is_dir()
    private.close()
    assert not private.directory.exists()


def test_healing_empties_a_damaged_cache_once_and_retries(tmp_path: Path) -> None:
    cache = StubCache(tmp_path, temporary=False)
    (tmp_path / "jedi").mkdir()
    (tmp_path / "jedi" / "cut-short.pkl").write_bytes(b"\x80\x04")
    calls: list[int] = []

    def parse() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise pickle.UnpicklingError("pickle data was truncated")
        return "parsed"

    assert cache.healing(parse) == "parsed"
    assert len(calls) == 2 and list(tmp_path.iterdir()) == []

    def always_damaged() -> str:
        raise EOFError("Ran out of input")

    with pytest.raises(EOFError):  # a second failure is not hidden
        cache.healing(always_damaged)


def test_healing_retries_a_write_into_a_cache_another_worker_emptied(tmp_path: Path) -> None:
    cache = StubCache(tmp_path / "ours", temporary=False)
    (tmp_path / "ours").mkdir()
    attempts: list[str] = []

    def write(into: Path) -> str:
        attempts.append(str(into))
        if len(attempts) == 1:
            raise FileNotFoundError(2, "No such file or directory", str(into / "jedi" / "x.pkl"))
        return "written"

    assert cache.healing(lambda: write(tmp_path / "ours")) == "written"
    attempts.clear()
    with pytest.raises(FileNotFoundError):  # not ours: not retried
        cache.healing(lambda: write(tmp_path / "elsewhere"))
    assert len(attempts) == 1
