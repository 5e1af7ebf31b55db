"""Documenting importable modules by introspection: the test suite's own package and a real one."""

from __future__ import annotations

import importlib.metadata
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builder.conftest import HERE, connect, run_cli


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("introspect") / "sample.sqlite"
    result = run_cli("build", "module:sample_pkg", "--output", output, extra_path=HERE)
    assert result.returncode == 0, result.stderr
    # The broken submodule is skipped and counted, not fatal.
    assert "sample_pkg.broken" in result.stderr
    assert "this submodule is broken on purpose" in result.stderr
    return output


@pytest.fixture
def sample(sample_db: Path) -> Iterator[sqlite3.Connection]:
    yield from connect(sample_db)


def rows(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    return {r["qualname"]: r for r in conn.execute("SELECT * FROM entries")}


def test_public_members_and_kinds(sample: sqlite3.Connection) -> None:
    kinds = {q: r["kind"] for q, r in rows(sample).items()}
    assert kinds == {
        "sample_pkg": "module",
        "sample_pkg.GREETING": "data",
        "sample_pkg.UNPRINTABLE": "data",
        "sample_pkg.Shape": "class",
        "sample_pkg.Shape.sides": "attribute",
        "sample_pkg.Shape.scaled": "method",
        "sample_pkg.Shape.unit": "classmethod",
        "sample_pkg.Shape.describe": "staticmethod",
        "sample_pkg.Shape.area": "property",
        "sample_pkg.SampleError": "exception",
        "sample_pkg.area_of": "function",
        "sample_pkg.greet": "function",
        "sample_pkg.shapes": "module",
        "sample_pkg.shapes.Shape": "class",
        "sample_pkg.shapes.Shape.sides": "attribute",
        "sample_pkg.shapes.Shape.scaled": "method",
        "sample_pkg.shapes.Shape.unit": "classmethod",
        "sample_pkg.shapes.Shape.describe": "staticmethod",
        "sample_pkg.shapes.Shape.area": "property",
        "sample_pkg.shapes.area_of": "function",
    }


def test_signatures_parents_and_text(sample: sqlite3.Connection) -> None:
    entries = rows(sample)
    greet = entries["sample_pkg.greet"]
    assert greet["signature"] == "(name: str, *, punctuation: str = '!') -> str"
    assert greet["summary"] == "Greet someone by name."
    assert greet["parent"] == "sample_pkg"
    assert "```pycon\n>>> greet(\"Ada\")\n'hello Ada!'\n```" in greet["body"]
    assert '```text\ngreet("Ada") == "hello Ada!"\n```' in greet["body"]
    assert "`GREETING`" in greet["body"] and ":data:" not in greet["body"]
    scaled = entries["sample_pkg.Shape.scaled"]
    assert scaled["signature"] == "(factor: float) -> Shape"
    assert scaled["parent"] == "sample_pkg.Shape"
    assert entries["sample_pkg.Shape.unit"]["signature"] == "() -> Shape"
    assert entries["sample_pkg.Shape"]["signature"] == "(radius: float) -> None"
    assert entries["sample_pkg.Shape.area"]["summary"] == "The area enclosed by the shape."
    assert "hello" in entries["sample_pkg.GREETING"]["body"]
    assert "UNPRINTABLE = <_Unprintable object>" in entries["sample_pkg.UNPRINTABLE"]["body"]
    module = entries["sample_pkg"]
    assert module["parent"] is None
    assert module["summary"].startswith("A small package the introspection tests document")


def test_docset_row(sample: sqlite3.Connection) -> None:
    docset = sample.execute("SELECT * FROM docsets").fetchone()
    assert docset["name"] == "sample_pkg"
    assert docset["source"] == "module:sample_pkg"
    assert docset["entry_count"] == len(rows(sample))


def test_failing_top_module_is_one_clear_error(tmp_path: Path) -> None:
    output = tmp_path / "x.sqlite"
    result = run_cli(
        "build", "--module", "sample_pkg.broken", "--output", output, "--quiet", extra_path=HERE
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "cannot import module 'sample_pkg.broken'" in result.stderr
    assert not output.exists()


def test_missing_module_is_one_clear_error(tmp_path: Path) -> None:
    result = run_cli("build", "module:no_such_module_anywhere", "--output", tmp_path / "x.sqlite")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no_such_module_anywhere" in result.stderr


def test_real_installed_package(tmp_path: Path) -> None:
    output = tmp_path / "markdownify.sqlite"
    result = run_cli("build", "--module", "markdownify", "--output", output)
    assert result.returncode == 0, result.stderr
    for conn in connect(output):
        docset = conn.execute("SELECT name, version FROM docsets").fetchone()
        assert tuple(docset) == ("markdownify", importlib.metadata.version("markdownify"))
        entries = rows(conn)
        converter = entries["markdownify.MarkdownConverter"]
        assert converter["kind"] == "class"
        assert entries["markdownify.MarkdownConverter.convert"]["signature"] == "(html)"
        assert entries["markdownify.markdownify"]["signature"] == "(html, **options)"
        assert entries["markdownify.markdownify"]["kind"] == "function"
