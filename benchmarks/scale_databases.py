"""Synthetic databases N times the size of the bundled one, for the scale benchmark.

Each is the bundled database plus N-1 copies of every entry in docsets of their own, under
module names that do not exist (``scale7_json.dumps``): exact lookups of real names still hit
exactly one row, while indexes, name searches and the FTS table grow N times, so what the
benchmark sees is the cost of size. Files are cached by the source's size and mtime.

Run: ``python benchmarks/scale_databases.py 10 50`` (prints the paths).
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

from docs_daemon.builder.writer import qualname_words
from docs_daemon.schema import FTS_TABLE

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "python-3.11.sqlite"
CACHE = ROOT / "benchmarks" / ".cache"


def scaled_path(factor: int, source: Path = BUNDLED) -> Path:
    stat = source.stat()
    return CACHE / f"{source.stem}-x{factor}-{stat.st_size}-{stat.st_mtime_ns}.sqlite"


def make_scaled(factor: int, source: Path = BUNDLED) -> Path:
    """The ``factor``-times database (made once, then reused)."""
    target = scaled_path(factor, source)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f"{source.stem}-x{factor}-*.sqlite"):
        stale.unlink()  # made from an earlier build of the source
    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    connection = sqlite3.connect(partial)
    try:
        _grow(connection, factor)
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    partial.replace(target)
    return target


def _grow(connection: sqlite3.Connection, factor: int) -> None:
    docsets = connection.execute(
        "SELECT id, name, version, base_url, source, built_at, entry_count FROM docsets"
    ).fetchall()
    columns = "qualname, name, kind, parent, signature, summary, body, url, priority"
    for copy in range(1, factor):
        for docset_id, name, version, base_url, source, built_at, count in docsets:
            cursor = connection.execute(
                "INSERT INTO docsets (name, version, base_url, source, built_at, entry_count) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (f"{name}-scale{copy}", version, base_url, source, built_at, count),
            )
            new_docset = cursor.lastrowid
            prefix = f"scale{copy}_"
            rows = connection.execute(
                f"SELECT {columns} FROM entries WHERE docset_id = ?", (docset_id,)
            ).fetchall()
            for row in rows:
                qualname, entry_name, kind, parent = row[0], row[1], row[2], row[3]
                new_qualname = prefix + qualname
                inserted = connection.execute(
                    f"INSERT INTO entries (docset_id, {columns}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_docset,
                        new_qualname,
                        entry_name,
                        kind,
                        prefix + parent if parent else None,
                        *row[4:],
                    ),
                )
                connection.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, name, qualname_words) VALUES (?, ?, ?)",
                    (inserted.lastrowid, entry_name, qualname_words(new_qualname)),
                )


def main(argv: list[str]) -> int:
    for factor in [int(arg) for arg in argv] or [10, 50]:
        print(make_scaled(factor))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
