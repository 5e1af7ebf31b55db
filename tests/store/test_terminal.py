"""The people-facing commands, run through the real CLI entry point on the real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_daemon.cli import main
from docs_daemon.schema import Kind
from docs_daemon.store.models import Entry
from docs_daemon.terminal import entry_text, markdown_to_text


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_lookup_prints_the_entry(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "lookup", "json.dumps", "--no-bundled", "--db", str(bundled_db))
    assert (code, err) == (0, "")
    first_line = out.splitlines()[0]
    assert first_line.startswith("json.dumps(obj, *, skipkeys=False")
    assert "https://docs.python.org/3.11/library/json.html#json.dumps" in out
    assert "](http" not in out  # Markdown links became their text
    assert "Other candidates" not in out


def test_lookup_short_name_lists_candidates(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "lookup", "dumps", "--no-bundled", "--db", str(bundled_db))
    assert code == 0
    assert out.startswith("json.dumps(")
    candidates = out.split("Other candidates:")[1]
    assert "pickle.dumps" in candidates and "marshal.dumps" in candidates


def test_search_prints_ranked_lines(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "search", "path join", "--limit", "3", "--db", str(bundled_db), "--no-bundled"
    )
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[0].startswith("os.path.join  (function)")


def test_info_lists_databases_and_docsets(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "info", "--no-bundled", "--db", str(bundled_db))
    assert code == 0
    assert str(bundled_db) in out
    assert "served from memory" in out and "MiB" in out and "loaded in" in out
    assert "docset python 3.11" in out and "entries" in out


@pytest.mark.parametrize("command", [["lookup", "json.dumps"], ["search", "x"], ["info"]])
def test_errors_are_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "missing.sqlite"
    code, out, err = _run(capsys, *command, "--no-bundled", "--db", str(missing))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(missing) in err


def test_unknown_name_exits_1(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "lookup", "zzqqxx", "--no-bundled", "--db", str(bundled_db))
    assert (code, out) == (1, "")
    assert "zzqqxx" in err


def test_markdown_to_text() -> None:
    markdown = (
        'Return a [`str`](https://x.org/a.html#str "str") and **bold** [link](http://y/a_(b))'
    )
    assert markdown_to_text(markdown) == "Return a `str` and bold link"


def test_entry_text_layout() -> None:
    entry = Entry("python", "m.f", "f", Kind.FUNCTION, "m", "(a)", "S.", "https://u#m.f", "Body.")
    assert entry_text(entry).splitlines() == [
        "m.f(a)",
        "======",
        "function · python",
        "",
        "Body.",
        "",
        "https://u#m.f",
    ]
