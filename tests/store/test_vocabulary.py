"""The vocabulary read at load time only ever rules out what a database cannot answer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docs_daemon.store.ranking import fts_tokens
from docs_daemon.store.vocabulary import Vocabulary, read_vocabulary


@pytest.fixture(scope="module")
def vocabulary(bundled_db: Path) -> Vocabulary:
    connection = sqlite3.connect(":memory:")
    source = sqlite3.connect(bundled_db)
    source.backup(connection)
    source.close()
    try:
        return read_vocabulary(connection)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def names(bundled_db: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(bundled_db)
    try:
        return connection.execute("SELECT qualname, name FROM entries").fetchall()
    finally:
        connection.close()


def test_never_rules_out_a_name_the_database_has(
    vocabulary: Vocabulary, names: list[tuple[str, str]]
) -> None:
    for qualname, name in names:
        assert vocabulary.may_have(qualname), qualname
        for end in range(1, len(name) + 1):
            if fts_tokens(name[:end]):
                assert vocabulary.may_match(name[:end]), name[:end]
                assert vocabulary.may_match(name[:end].upper()), name[:end]
        for word in qualname.split("."):
            assert vocabulary.may_match(word), (qualname, word)


@pytest.mark.parametrize("word", ["zzqx", "jinja2", "flask", "requests", "numpy.zeros"])
def test_rules_out_what_the_stdlib_does_not_have(vocabulary: Vocabulary, word: str) -> None:
    assert not vocabulary.may_match(word)
    assert not vocabulary.may_have(f"{word}.anything")


@pytest.mark.parametrize("word", ["", "_", "__", "*", "café", "naïve"])
def test_words_it_cannot_judge_are_never_ruled_out(vocabulary: Vocabulary, word: str) -> None:
    assert vocabulary.may_match(word)
