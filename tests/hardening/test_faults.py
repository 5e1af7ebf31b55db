"""Faults while the server runs: its database file changes under load, its client vanishes,
its parent dies, its cache directory cannot be written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.peer import KNOWN_PHRASE, HardenedPeer, hover_value, start_peer
from tests.hardening.processes import descendants, gone_within

#: How long the store may take to notice a changed file (it polls once a second).
RELOAD_SECONDS = 6.0
MARKER = "Rebuilt-docs-marker"


def _newer_build(source: Path, target: Path) -> None:
    """A valid newer database: the bundled one with json.dumps's summary and build time edited,
    written beside ``target`` and renamed over it (how the builder replaces a file)."""
    staging = target.with_name(target.name + ".new")
    shutil.copyfile(source, staging)
    connection = sqlite3.connect(staging)
    with connection:
        connection.execute(
            "UPDATE entries SET summary = ? || ' ' || summary, body = ? || ' ' || body "
            "WHERE qualname = 'json.dumps'",
            (MARKER, MARKER),
        )
        connection.execute("UPDATE meta SET value = '2099-01-01T00:00:00Z' WHERE key = 'built_at'")
    connection.close()
    staging.replace(target)


def _delete(_: Path, target: Path) -> None:
    target.unlink()


def _truncate(_: Path, target: Path) -> None:
    with target.open("r+b") as handle:
        handle.truncate(target.stat().st_size // 3)


def _garbage(_: Path, target: Path) -> None:
    staging = target.with_name(target.name + ".junk")
    staging.write_bytes(os.urandom(256 * 1024))
    staging.replace(target)


def _load_round(peer: HardenedPeer) -> list[dict[str, Any]]:
    """One burst of mixed pipelined requests: hovers, searches, status."""
    hover = peer.known_hover_params()
    calls: list[tuple[str, Any]] = [("textDocument/hover", hover)] * 20
    calls += [("workspace/symbol", {"query": q}) for q in ("dumps", "a", "path join")]
    calls += [("docsDaemon/status", None)]
    return peer.pipeline(calls)


def _failures(answers: list[dict[str, Any]], phrase: str | None) -> list[str]:
    problems = []
    for answer in answers:
        if "error" in answer:
            problems.append(f"error: {answer['error']}")
        elif answer.get("result") is None:
            problems.append("null result")
        elif (
            isinstance(answer["result"], dict)
            and "contents" in answer["result"]
            and (
                KNOWN_PHRASE not in hover_value(answer)
                or (phrase is not None and phrase not in hover_value(answer))
            )
        ):
            problems.append(f"wrong hover: {hover_value(answer)[:120]!r}")
    return problems


@pytest.fixture
def served_copy(bundled_db: Path, tmp_path: Path) -> tuple[Path, HardenedPeer]:
    database = tmp_path / "docs.sqlite"
    shutil.copyfile(bundled_db, database)
    peer = start_peer(tmp_path / "cache", "--no-bundled", "--db", str(database))
    return database, peer


@pytest.mark.parametrize(
    "fault", [_delete, _truncate, _garbage], ids=["deleted", "truncated", "garbage"]
)
def test_bad_replacement_keeps_the_old_copy_serving(
    served_copy: tuple[Path, HardenedPeer],
    bundled_db: Path,
    fault: Callable[[Path, Path], None],
) -> None:
    database, peer = served_copy
    try:
        problems = _failures(_load_round(peer), None)
        fault(bundled_db, database)
        deadline = time.monotonic() + RELOAD_SECONDS
        while time.monotonic() < deadline:
            problems += _failures(_load_round(peer), None)
        assert not problems, problems[:5]
        status = peer.request("docsDaemon/status")["result"]
        assert status["state"] == "ready", status
        assert peer.alive()
    finally:
        peer.close()


def test_valid_newer_build_is_swapped_in_without_a_failed_request(
    served_copy: tuple[Path, HardenedPeer], bundled_db: Path
) -> None:
    """The store reloads a rebuilt file; every request before, during and after succeeds, and
    the new text is served within a few seconds."""
    database, peer = served_copy
    try:
        problems = _failures(_load_round(peer), None)
        _newer_build(bundled_db, database)
        swapped_after = None
        started = time.monotonic()
        while time.monotonic() - started < RELOAD_SECONDS:
            answers = _load_round(peer)
            problems += _failures(answers, None)
            if MARKER in hover_value(answers[0]):
                swapped_after = time.monotonic() - started
                break
        assert not problems, problems[:5]
        assert swapped_after is not None, (
            f"the rebuilt database was not served within {RELOAD_SECONDS} s "
            "(is the store's file watch running in the server?)"
        )
        problems += _failures(_load_round(peer), MARKER)
        assert not problems, problems[:5]
    finally:
        peer.close()


def test_client_vanishes_mid_flood(tmp_path: Path) -> None:
    """The editor's pipes close while requests are in flight: the server leaves, no orphan."""
    peer = start_peer(tmp_path / "cache")
    tree = [peer.process.pid, *descendants(peer.process.pid)]
    try:
        for index in range(300):
            query = "abcdefghijklmnopqrstuvwxyz"[index % 26]
            peer.send(
                {
                    "jsonrpc": "2.0",
                    "id": 50_000 + index,
                    "method": "workspace/symbol",
                    "params": {"query": query},
                }
            )
        assert peer.process.stdin is not None and peer.process.stdout is not None
        peer.process.stdin.close()
        peer.process.stdout.close()
        assert gone_within(tree, 5.0), (
            f"server still running 5 s after its client vanished: {tree}\n{peer.stderr_text()[-3000:]}"
        )
    finally:
        peer.process.kill()
        peer.process.wait()


def test_parent_killed_server_exits_within_two_seconds(tmp_path: Path) -> None:
    """The editor named in ``initialize`` dies without a word: the server exits within 2 s."""
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    peer = start_peer(tmp_path / "cache", pid=parent.pid)
    try:
        peer.known_hover()
        parent.kill()
        parent.wait()  # reaped: the pid no longer exists
        started = time.monotonic()
        assert gone_within([peer.process.pid], 2.0), "server outlived its parent by 2 s"
        assert peer.process.wait(timeout=1) is not None
        assert time.monotonic() - started <= 2.5
    finally:
        parent.kill()
        peer.process.kill()
        peer.process.wait()


def test_unwritable_cache_dir(tmp_path: Path) -> None:
    """Pages cannot be written where configured: symbols still open (elsewhere, with a
    message to the user), hover keeps working."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    peer = start_peer(blocker / "cache")
    try:
        answer = peer.request("workspace/symbol", {"query": "dumps"})
        symbols = answer.get("result") or []
        assert symbols, answer
        for symbol in symbols:
            uri = symbol["location"]["uri"]
            assert uri.startswith("file://"), uri
            path = Path(uri.removeprefix("file://"))
            assert path.is_file(), f"symbol page not written: {path}"
            assert not path.is_relative_to(blocker)
        peer.known_hover()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any(
            "cache" in m or "pages" in m for m in peer.messages_shown()
        ):
            time.sleep(0.05)
        assert any("cache" in m or "pages" in m for m in peer.messages_shown()), (
            f"no message told the user the cache directory is unusable: {peer.messages_shown()}"
        )
    finally:
        peer.close()
