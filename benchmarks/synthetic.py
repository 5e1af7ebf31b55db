"""Make 10x / 50x documentation databases from a real one, for size and scaling benchmarks.

Copy ``k`` of every docset is named ``<docset>-copy<k>`` and every qualified name (and
parent) gets a ``c<k>_`` prefix on its top-level module, so lookups stay unique and search
sees k times as many entries with realistic names, bodies and full-text rows.

    python benchmarks/synthetic.py --times 10 --times 50 --out-dir /some/dir [--source DB]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docs_daemon.builder.writer import qualname_words, summary_text  # noqa: E402
from docs_daemon.bundled import bundled_database_path  # noqa: E402
from docs_daemon.schema import (  # noqa: E402
    FTS_TABLE,
    TEXT_FTS_DDL,
    TEXT_FTS_DROP,
    TEXT_FTS_INSERT,
    TEXT_FTS_TABLE,
    fts_optimize,
)


def synthetic_path(out_dir: Path, source: Path, times: int) -> Path:
    return out_dir / f"{source.stem}-x{times}.sqlite"


def make_synthetic(source: Path, target: Path, times: int) -> Path:
    """Write ``target``: ``source`` plus ``times - 1`` renamed copies of all its rows."""
    staging = target.with_suffix(".partial")
    shutil.copyfile(source, staging)
    connection = sqlite3.connect(staging)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        (max_id,) = connection.execute("SELECT max(id) FROM entries").fetchone()
        docsets = connection.execute("SELECT id FROM docsets ORDER BY id").fetchall()
        with connection:
            for copy in range(1, times):
                prefix = f"c{copy}_"
                for (docset_id,) in docsets:
                    cursor = connection.execute(
                        "INSERT INTO docsets (name, version, base_url, source, built_at, "
                        "entry_count) SELECT name || ?, version, base_url, source, built_at, "
                        "entry_count FROM docsets WHERE id = ?",
                        (f"-copy{copy}", docset_id),
                    )
                    connection.execute(
                        "INSERT INTO entries (id, docset_id, qualname, name, kind, parent, "
                        "signature, summary, body, url, priority) "
                        "SELECT id + :shift, :docset, :prefix || qualname, name, kind, "
                        "CASE WHEN parent IS NULL THEN NULL ELSE :prefix || parent END, "
                        "signature, summary, body, url, priority "
                        "FROM entries WHERE docset_id = :original",
                        {
                            "shift": copy * max_id,
                            "docset": cursor.lastrowid,
                            "prefix": prefix,
                            "original": docset_id,
                        },
                    )
                connection.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, name, qualname_words) "
                    f"SELECT rowid + :shift, name, :word || ' ' || qualname_words "
                    f"FROM {FTS_TABLE} WHERE rowid <= :max_id",
                    {"shift": copy * max_id, "word": f"c{copy}", "max_id": max_id},
                )
        with connection:
            _refill_text_index(connection)
            connection.execute(fts_optimize(FTS_TABLE))
            connection.execute(fts_optimize(TEXT_FTS_TABLE))
    finally:
        connection.close()
    staging.replace(target)
    return target


def _refill_text_index(connection: sqlite3.Connection) -> None:
    """The phrase index over every entry, copies included (it is contentless: rebuilt from
    the entries as the builder does)."""
    connection.execute(TEXT_FTS_DROP)
    connection.execute(TEXT_FTS_DDL)
    rows = connection.execute("SELECT id, qualname, summary FROM entries")
    connection.executemany(
        TEXT_FTS_INSERT,
        (
            {"id": ident, "words": qualname_words(qualname), "text": summary_text(summary)}
            for ident, qualname, summary in rows.fetchall()
        ),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="the real database (default: bundled)")
    parser.add_argument("--times", type=int, action="append", help="size factor (repeatable)")
    parser.add_argument("--out-dir", type=Path, help="where to write (default: a temp dir)")
    args = parser.parse_args()
    source = args.source or bundled_database_path()
    out_dir = args.out_dir or Path(tempfile.mkdtemp(prefix="docs-daemon-synthetic-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for times in args.times or [10, 50]:
        started = time.perf_counter()
        target = make_synthetic(source, synthetic_path(out_dir, source, times), times)
        print(
            f"{target}: {target.stat().st_size / (1 << 20):.0f} MiB "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
