"""The build command's contract: clear one-line errors, atomic writes, docsets replaced alone."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from tests.builder.conftest import HERE, PYTHON_BASE_URL, connect, run_cli


def _one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("docs-daemon build: error: ")
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture
def tree_with_inventory(tmp_path: Path, flask_html: Path) -> Path:
    root = tmp_path / "html"
    root.mkdir()
    shutil.copyfile(flask_html / "api.html", root / "api.html")
    return root


@pytest.mark.parametrize(
    "inventory",
    [
        b"garbage that is not an inventory",
        b"# Sphinx inventory version 2\n# Project: x\n# Version: 1\n"
        b"# The remainder of this file is compressed using zlib.\n" + b"\x78\x9c broken",
        b"# Sphinx inventory version 2\n# Project: x\n# Version: 1\n"
        b"# The remainder of this file is compressed using zlib.\n"
        + zlib.compress(b"not-an-entry\n"),
    ],
    ids=["garbage", "truncated-zlib", "bad-lines"],
)
def test_corrupt_objects_inv(tree_with_inventory: Path, tmp_path: Path, inventory: bytes) -> None:
    (tree_with_inventory / "objects.inv").write_bytes(inventory)
    output = tmp_path / "out.sqlite"
    result = run_cli("build", tree_with_inventory, "-o", output, "--quiet")
    _one_line_error(result, "objects.inv")
    assert not output.exists()


def test_missing_inventory(tree_with_inventory: Path, tmp_path: Path) -> None:
    result = run_cli("build", tree_with_inventory, "-o", tmp_path / "o.sqlite", "--quiet")
    _one_line_error(result, "no objects.inv found")


def test_missing_pages_are_skipped_and_reported(
    tree_with_inventory: Path, flask_html: Path, tmp_path: Path
) -> None:
    """Only api.html is there: its entries get text, the others are listed as skipped."""
    shutil.copyfile(flask_html / "objects.inv", tree_with_inventory / "objects.inv")
    output = tmp_path / "out.sqlite"
    result = run_cli("build", tree_with_inventory, "-o", output, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "is missing: its entries have no text" in result.stderr
    for conn in connect(output):
        with_text = conn.execute("SELECT count(*) FROM entries WHERE body != ''").fetchone()[0]
        assert with_text > 500


@pytest.mark.parametrize(
    ("arguments", "needle"),
    [
        (["build", "--output", "{tmp}/o.sqlite"], "nothing to build"),
        (["build", "{tmp}/nowhere", "--output", "{tmp}/o.sqlite"], "no such file or directory"),
        (["build", "{tmp}", "--output", "{tmp}/missing-dir/o.sqlite"], "does not exist"),
        (["build", "{tmp}/file.txt", "--output", "{tmp}/o.sqlite"], "not a Sphinx HTML directory"),
        (
            ["build", "module:json", "--module", "json", "--output", "{tmp}/o.sqlite"],
            "same docset name",
        ),
        (
            ["build", "module:json", "module:csv", "--name", "x", "--output", "{tmp}/o.sqlite"],
            "single SOURCE",
        ),
    ],
)
def test_bad_arguments(tmp_path: Path, arguments: list[str], needle: str) -> None:
    (tmp_path / "file.txt").write_text("hello")
    (tmp_path / "objects.inv").write_bytes(b"")
    result = run_cli(*(a.format(tmp=tmp_path) for a in arguments), "--quiet")
    _one_line_error(result, needle)


def _docsets(path: Path) -> dict[str, int]:
    for conn in connect(path):
        return dict(conn.execute("SELECT name, entry_count FROM docsets").fetchall())
    return {}


def test_rebuilding_one_docset_keeps_the_others(tmp_path: Path) -> None:
    output = tmp_path / "several.sqlite"
    first = run_cli("build", "module:sample_pkg", "--module", "csv", "-o", output, extra_path=HERE)
    assert first.returncode == 0, first.stderr
    second = run_cli("build", "--module", "markdownify", "-o", output)
    assert second.returncode == 0, second.stderr
    assert "kept: csv, sample_pkg" in second.stdout
    before = _docsets(output)
    assert before.keys() == {"sample_pkg", "csv", "markdownify"}
    third = run_cli("build", "module:sample_pkg", "-o", output, extra_path=HERE)
    assert third.returncode == 0, third.stderr
    assert _docsets(output) == before
    for conn in connect(output):
        total = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        assert total == sum(before.values())
        assert conn.execute("SELECT count(*) FROM entries_fts").fetchone()[0] == total
        orphans = conn.execute(
            "SELECT count(*) FROM entries_fts WHERE rowid NOT IN (SELECT id FROM entries)"
        ).fetchone()[0]
        assert orphans == 0
        per_docset = dict(
            conn.execute(
                "SELECT d.name, count(*) FROM entries e JOIN docsets d ON d.id = e.docset_id "
                "GROUP BY d.name"
            ).fetchall()
        )
        assert per_docset == before


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start_build(python_html: Path, output: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "docs_daemon", "build", str(python_html),
         "--base-url", PYTHON_BASE_URL, "--name", "python", "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


def _wait_for(predicate: object, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.mark.slow
def test_killed_while_writing_leaves_the_old_file_intact(python_html: Path, tmp_path: Path) -> None:
    output = tmp_path / "docs.sqlite"
    assert run_cli("build", "--module", "csv", "-o", output).returncode == 0
    before = _digest(output)
    process = _start_build(python_html, output)
    # The temp file appears when writing starts (after the pages are read); kill inside it.
    _wait_for(lambda: list(tmp_path.glob(".docs.sqlite.*.tmp")) or process.poll() is not None)
    assert process.poll() is None, "the build finished before it could be killed"
    time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _digest(output) == before
    assert _docsets(output) == {"csv": _docsets(output)["csv"]}
    connection = sqlite3.connect(output)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


@pytest.mark.slow
def test_sigterm_cleans_up_and_keeps_the_old_file(python_html: Path, tmp_path: Path) -> None:
    output = tmp_path / "docs.sqlite"
    assert run_cli("build", "--module", "csv", "-o", output).returncode == 0
    before = _digest(output)
    process = _start_build(python_html, output)
    assert process.stderr is not None
    # Wait for page extraction to be under way, then ask the build to stop.
    _wait_for(lambda: b"reading" in process.stderr.read1())  # type: ignore[union-attr]
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    stderr = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 130, stderr
    assert "interrupted, output left unchanged" in stderr
    assert "Traceback" not in stderr
    assert _digest(output) == before
    assert not list(tmp_path.glob(".docs.sqlite.*"))


def test_output_names_with_uri_characters(tmp_path: Path) -> None:
    """``?`` and ``#`` in the output name must not cut it (SQLite URIs) on a rebuild."""
    output = tmp_path / "we?ird#name.sqlite"
    for _ in range(2):
        result = run_cli("build", "--module", "csv", "-o", output, "--quiet")
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["we?ird#name.sqlite"]
    assert _docsets(output).keys() == {"csv"}


def test_unwritable_directory_is_one_clear_error(tmp_path: Path) -> None:
    """An output whose directory cannot be created (its parent is a file: even root fails)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_cli("build", "--module", "csv", "-o", blocker / "o.sqlite", "--quiet")
    _one_line_error(result, "cannot write", str(blocker))
