"""Docsets to the SQLite file, atomically: a temp file beside the output, then ``os.replace``.

Rebuilding an existing output copies it first and replaces only the docsets being built, so
the daemon reading the old file never sees a half-written one, and other docsets survive.

Ranking priority (``entries.priority``, higher first among equally good matches)::

    priority = 1000
             - 100 * depth            # dots in the name: json.dumps before json.JSONEncoder.encode
             - 300 if private         # any component starting with "_" that is not a __dunder__
             + 50 * source_priority   # Sphinx: important +1, normal 0, unimportant -1, hidden -2
             + kind bonus             # keyword 40, module 30, class/exception 20, function 10
             - 5 if deprecated        # a tie-breaker: typing.OrderedDict after collections'
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, delete, func, insert, select, text

from docs_daemon import __version__
from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.schema import (
    APPLICATION_ID,
    COMPACT,
    FINISH,
    FTS_DDL,
    FTS_DELETE_DOCSET,
    FTS_INSERT,
    SCHEMA_VERSION,
    TEXT_FTS_DDL,
    TEXT_FTS_DROP,
    TEXT_FTS_INSERT,
    ForeignFileError,
    Kind,
    OtherVersionError,
    aliases,
    docsets,
    entries,
    identify,
    meta,
    metadata,
)

_KIND_BONUS = {
    Kind.KEYWORD: 40,
    Kind.MODULE: 30,
    Kind.CLASS: 20,
    Kind.EXCEPTION: 20,
    Kind.FUNCTION: 10,
}

_CAMEL_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD_SEPARATORS = re.compile(r"[._\s]+")
#: A Markdown link's target (``](https://...)``): not words a person would search for.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def entry_priority(entry: DocEntry) -> int:
    """The ranking formula documented in this module's docstring."""
    parts = entry.qualname.split(".")
    depth = 0 if entry.kind is Kind.KEYWORD else len(parts) - 1
    private = any(
        p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in parts
    )
    return (
        1000
        - 100 * depth
        - (300 if private else 0)
        + 50 * entry.priority
        + _KIND_BONUS.get(entry.kind, 0)
        - (5 if entry.deprecated else 0)
    )


def qualname_words(qualname: str) -> str:
    """Words of a name for full-text search: dots/underscores as spaces, camelCase split too.

    ``collections.OrderedDict.move_to_end`` → ``collections OrderedDict Ordered Dict move to end``.
    """
    words: list[str] = []
    for token in _WORD_SEPARATORS.split(qualname):
        if not token:
            continue
        words.append(token)
        parts = _CAMEL_PARTS.findall(token)
        if len(parts) > 1:
            words.extend(parts)
    return " ".join(words)


def summary_text(summary: str) -> str:
    """A Markdown summary as the text full-text search indexes: link targets dropped (the
    tokenizer drops the remaining punctuation)."""
    return _LINK_TARGET.sub("]", summary)


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What ended up in the file, for the build summary."""

    path: Path
    size: int
    kinds: dict[str, Counter[str]]
    kept: list[str]


def check_output(output: Path) -> None:
    """Fail before any work when ``output`` cannot be written or is not ours to replace."""
    if not output.parent.is_dir():
        raise BuildError(f"cannot write {output}: directory {output.parent} does not exist")
    if output.is_dir():
        raise BuildError(f"cannot write {output}: it is a directory")
    if output.exists():
        _check_existing(output)


def write_database(output: Path, built: list[Docset]) -> WriteReport:
    """Write ``built`` into ``output`` (keeping its other docsets), atomically."""
    check_output(output)
    directory = output.parent
    handle, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
    os.close(handle)
    temp = Path(temp_name)
    try:
        if output.exists():
            shutil.copyfile(output, temp)
        kept = _fill(temp, built)
        umask = os.umask(0)
        os.umask(umask)
        temp.chmod(0o666 & ~umask)
        temp.replace(output)
        _sync_directory(directory)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    kinds = {d.name: Counter(str(e.kind) for e in d.entries) for d in built}
    return WriteReport(output, output.stat().st_size, kinds, kept)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (SQLite already synced the file's content)."""
    with contextlib.suppress(OSError):  # not possible on every platform/file system
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _check_existing(output: Path) -> None:
    """Refuse to replace a file that is not ours, or ours at another schema version."""
    try:
        connection = sqlite3.connect(f"{output.resolve().as_uri()}?mode=ro", uri=True)
        try:
            identify(connection)
        finally:
            connection.close()
    except OtherVersionError as error:
        raise BuildError(
            f"{output} has schema version {error.found}, this builder writes "
            f"{SCHEMA_VERSION}: choose another --output or delete the old file"
        ) from None
    except (ForeignFileError, sqlite3.Error):
        raise BuildError(
            f"refusing to overwrite {output}: it is not a docs-daemon database"
        ) from None


def _engine(path: Path) -> Engine:
    # A creator instead of a URL: paths with '?' or '#' must not be parsed as URL parts.
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(path))


def _fill(path: Path, built: list[Docset]) -> list[str]:
    """Replace the built docsets inside the database at ``path``; return the kept ones."""
    engine = _engine(path)
    try:
        metadata.create_all(engine)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with engine.begin() as connection:
            connection.execute(text(FTS_DDL))
            for docset in built:
                _replace_docset(connection, docset, now)
            _rebuild_text_index(connection)
            connection.execute(delete(meta))
            connection.execute(
                insert(meta),
                [
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "application", "value": APPLICATION_ID},
                    {"key": "built_at", "value": now},
                    {"key": "builder_version", "value": __version__},
                ],
            )
            built_names = {d.name for d in built}
            kept = sorted(
                name
                for name in connection.execute(select(docsets.c.name)).scalars()
                if name not in built_names
            )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for statement in (*FINISH, *COMPACT):
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
    return kept


def _replace_docset(connection: Connection, docset: Docset, now: str) -> None:
    old_id = connection.execute(
        select(docsets.c.id).where(docsets.c.name == docset.name)
    ).scalar_one_or_none()
    if old_id is not None:
        connection.execute(text(FTS_DELETE_DOCSET), {"docset": old_id})
        connection.execute(delete(aliases).where(aliases.c.docset_id == old_id))
        connection.execute(delete(entries).where(entries.c.docset_id == old_id))
        connection.execute(delete(docsets).where(docsets.c.id == old_id))
    inserted = connection.execute(
        insert(docsets).values(
            name=docset.name,
            version=docset.version,
            base_url=docset.base_url,
            source=docset.source,
            built_at=now,
            entry_count=len(docset.entries),
            origin=docset.origin,
            distribution=docset.distribution,
            source_digest=docset.source_digest,
        )
    ).inserted_primary_key
    assert inserted is not None
    docset_id = inserted[0]
    first_id = (connection.execute(select(func.max(entries.c.id))).scalar() or 0) + 1
    rows = [
        {
            "id": first_id + offset,
            "docset_id": docset_id,
            "qualname": entry.qualname,
            "name": entry.name,
            "kind": str(entry.kind),
            "parent": entry.parent,
            "signature": entry.signature,
            "summary": entry.summary,
            "body": entry.body,
            "url": entry.url,
            "priority": entry_priority(entry),
        }
        for offset, entry in enumerate(docset.entries)
    ]
    if not rows:
        return
    connection.execute(insert(entries), rows)
    connection.execute(
        text(FTS_INSERT),
        [{"id": r["id"], "name": r["name"], "words": qualname_words(r["qualname"])} for r in rows],
    )
    alias_rows = _alias_rows(docset, docset_id)
    if alias_rows:
        connection.execute(insert(aliases), alias_rows)


def _rebuild_text_index(connection: Connection) -> None:
    """Recreate the (contentless, so not row-deletable) text index from every entry."""
    connection.execute(text(TEXT_FTS_DROP))
    connection.execute(text(TEXT_FTS_DDL))
    rows = [
        {"id": ident, "words": qualname_words(qualname), "text": summary_text(summary)}
        for ident, qualname, summary in connection.execute(
            select(entries.c.id, entries.c.qualname, entries.c.summary)
        )
    ]
    if rows:
        connection.execute(text(TEXT_FTS_INSERT), rows)


def _alias_rows(docset: Docset, docset_id: int) -> list[dict[str, object]]:
    """Aliases that lead somewhere: to an entry of this docset, from a name that is not one
    (an entry always wins over an alias, so such an alias would never be read)."""
    documented = {entry.qualname for entry in docset.entries}
    return [
        {"docset_id": docset_id, "alias": alias, "qualname": qualname}
        for alias, qualname in sorted(docset.aliases.items())
        if qualname in documented and alias not in documented
    ]
