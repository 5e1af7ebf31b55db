"""Fixtures for the store tests: a store on the real bundled database, and editable copies."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from docs_daemon.store import DocStore


@pytest.fixture
async def store(bundled_db: Path) -> AsyncIterator[DocStore]:
    """A ready store serving the bundled stdlib database."""
    docs = DocStore([bundled_db])
    await docs.wait_ready()
    yield docs
    await docs.close()


def copy_database(source: Path, target: Path, **changes: str) -> Path:
    """Copy a database; ``changes`` rewrite docset columns (e.g. ``name="project"``) or,
    as ``meta_<key>``, meta values, to tell the copy apart or make it incompatible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    connection = sqlite3.connect(target)
    with connection:
        for key, value in changes.items():
            if key.startswith("meta_"):
                connection.execute(
                    "UPDATE meta SET value = ? WHERE key = ?", (value, key.removeprefix("meta_"))
                )
            else:
                connection.execute(f"UPDATE docsets SET {key} = ?", (value,))
    connection.close()
    return target


@pytest.fixture
def db_copy(bundled_db: Path, tmp_path: Path) -> Path:
    """A private copy of the bundled database that a test may replace or damage."""
    return copy_database(bundled_db, tmp_path / "copy" / "docs.sqlite")
