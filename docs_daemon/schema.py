"""The one declaration of the documentation database: the builder writes it, the store reads it."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, select
from sqlalchemy.dialects import sqlite

from docs_daemon.vocabulary import Kind

__all__ = [
    "APPLICATION_ID",
    "FTS_DDL",
    "FTS_TABLE",
    "SCHEMA_VERSION",
    "TEXT_FTS_DDL",
    "TEXT_FTS_TABLE",
    "ForeignFileError",
    "Kind",
    "OtherVersionError",
    "aliases",
    "docsets",
    "entries",
    "identify",
    "meta",
    "metadata",
]

#: Bump when a table, column, index or the meaning of a value changes; the store refuses
#: files whose version differs, so old daemons never misread new files (and vice versa).
SCHEMA_VERSION = 2

#: Written into ``meta`` under ``application`` so a random SQLite file is told apart from ours.
APPLICATION_ID = "docs-daemon"


metadata = MetaData()

#: Key/value facts about the file as a whole: ``schema_version``, ``application``,
#: ``built_at`` (ISO 8601 UTC), ``builder_version``.
meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

#: One row per documentation set (the Python stdlib docs, a project's Sphinx docs, a module
#: introspected). Rebuilding a docset replaces its row and all its entries.
docsets = Table(
    "docsets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("version", String, nullable=False, default=""),
    #: Prefix of every entry's ``url``, e.g. ``https://docs.python.org/3.11/``.
    Column("base_url", String, nullable=False, default=""),
    #: Where the docset came from, for people: a directory, archive or ``module:NAME``.
    Column("source", String, nullable=False, default=""),
    Column("built_at", String, nullable=False),
    Column("entry_count", Integer, nullable=False, default=0),
    #: ``official`` (built from a project's published docs) or ``docstrings`` (read
    #: statically from an installed package's source): features may weigh them differently.
    Column("origin", String, nullable=False, default="official", server_default="official"),
    #: The normalised distribution name (``jinja2``); ``""`` for the standard library.
    Column("distribution", String, nullable=False, default="", server_default=""),
    #: A digest of what the docset was built from (e.g. sha256 of the ``objects.inv`` bytes),
    #: so an update can tell an unchanged upstream without rebuilding.
    Column("source_digest", String, nullable=False, default="", server_default=""),
)

#: Other dotted names under which a documented object is reachable (where it is defined,
#: or a re-export): ``jinja2.environment.Template`` -> ``jinja2.Template``. A lookup falls
#: back to them when no entry has the name; an entry always wins over an alias.
aliases = Table(
    "aliases",
    metadata,
    Column("docset_id", Integer, ForeignKey("docsets.id", ondelete="CASCADE"), nullable=False),
    Column("alias", String, nullable=False),
    #: The documented name: an ``entries.qualname`` of the same docset.
    Column("qualname", String, nullable=False),
)

Index("ix_aliases_docset_alias", aliases.c.docset_id, aliases.c.alias, unique=True)
Index("ix_aliases_alias", aliases.c.alias)

#: One row per documented object. ``qualname`` is the fully qualified dotted name
#: (``os.path.join``, ``str.split``, ``collections.OrderedDict.move_to_end``); keywords use
#: the keyword itself (``with``, ``async for``).
entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("docset_id", Integer, ForeignKey("docsets.id", ondelete="CASCADE"), nullable=False),
    Column("qualname", String, nullable=False),
    #: Last dotted component (``join`` for ``os.path.join``): completion and search match on it.
    Column("name", String, nullable=False),
    #: A :class:`Kind` value.
    Column("kind", String, nullable=False),
    #: Qualified name of the enclosing module or class (``os.path``), NULL at top level.
    Column("parent", String),
    #: Signature as written in the docs, without the name: ``(obj, *, skipkeys=False, ...)``.
    Column("signature", String, nullable=False, default=""),
    #: First paragraph as Markdown.
    Column("summary", Text, nullable=False, default=""),
    #: The whole section as Markdown (prose, parameters, examples, notes, version changes).
    Column("body", Text, nullable=False, default=""),
    #: Absolute URL with anchor.
    Column("url", String, nullable=False, default=""),
    #: Higher ranks first among equally good search matches (e.g. Sphinx priority, public
    #: over private, shallower over deeper).
    Column("priority", Integer, nullable=False, default=0),
)

Index("ix_entries_docset_qualname", entries.c.docset_id, entries.c.qualname, unique=True)
Index("ix_entries_qualname", entries.c.qualname)
Index("ix_entries_parent_name", entries.c.parent, entries.c.name)
Index("ix_entries_name_nocase", entries.c.name.collate("NOCASE"))

#: Full-text index over names; its rowid is ``entries.id``. ``qualname_words`` is the qualified
#: name with dots and underscores as spaces and camelCase split
#: (``collections OrderedDict Ordered Dict move to end``). unicode61 with 2- and 3-character
#: prefix indexes keeps name-prefix queries fast (measured: +3 MiB on the stdlib, trigram
#: 2.3x that and slower when ranked). It stores its own (small) copy of the names, so a
#: docset can be deleted from it with plain ``DELETE ... WHERE rowid IN (...)``.
FTS_TABLE = "entries_fts"
FTS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, qualname_words, tokenize='unicode61', prefix='2 3')"
)

#: Full-text index over what a person would type to describe an entry: its name words (as in
#: ``qualname_words``) and its summary as plain text (link targets removed), so a phrase can
#: match across both ("read file" -> ``pathlib.Path.read_text``, whose summary says "file").
#: Porter stemming lets "reading files" meet "Read ... file"; no prefix indexes (name
#: prefixes are ``entries_fts``'s job). Its rowid is ``entries.id``. Contentless: the index
#: alone costs 1.2 MiB on the stdlib where a stored copy of the text cost 3.1 MiB, so the
#: builder recreates it from ``entries`` on every write instead of deleting rows.
TEXT_FTS_TABLE = "entries_text"
TEXT_FTS_DDL = (
    f"CREATE VIRTUAL TABLE {TEXT_FTS_TABLE} USING fts5("
    "words, summary, tokenize='porter unicode61', content='')"
)

# -- upkeep of the full-text indexes (the builder's), SQL text kept beside their declaration --

FTS_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, name, qualname_words) VALUES (:id, :name, :words)"
#: Drops a docset's rows from the name index (it keeps its own copy of the names).
FTS_DELETE_DOCSET = (
    f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT id FROM entries WHERE docset_id = :docset)"
)
TEXT_FTS_DROP = f"DROP TABLE IF EXISTS {TEXT_FTS_TABLE}"
TEXT_FTS_INSERT = f"INSERT INTO {TEXT_FTS_TABLE}(rowid, words, summary) VALUES (:id, :words, :text)"


def fts_optimize(table: str) -> str:
    """Merge a full-text index into one segment: smaller and faster to query."""
    return f"INSERT INTO {table}({table}) VALUES ('optimize')"


#: What the builder runs on a finished file: planner statistics, then a compact, plain file.
FINISH = ("ANALYZE", fts_optimize(FTS_TABLE), fts_optimize(TEXT_FTS_TABLE))
COMPACT = ("VACUUM", "PRAGMA journal_mode=DELETE")

# -- is this our file? ---------------------------------------------------------------------

_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_META = str(select(meta.c.key, meta.c.value).compile(dialect=sqlite.dialect()))
_REQUIRED_TABLES = (
    meta.name,
    docsets.name,
    entries.name,
    aliases.name,
    FTS_TABLE,
    TEXT_FTS_TABLE,
)


class ForeignFileError(Exception):
    """An SQLite file that is not a docs-daemon database; the message says what is missing
    or wrong (without the path: callers name the file and say what to do)."""


class OtherVersionError(ForeignFileError):
    """A docs-daemon database of another schema version."""

    def __init__(self, found: str | None) -> None:
        super().__init__(f"schema version {found}")
        self.found = found


def identify(connection: sqlite3.Connection) -> dict[str, str]:
    """The ``meta`` facts of the database open on ``connection``, once it is known to be a
    docs-daemon database of ``SCHEMA_VERSION`` with every table of this schema: the one check
    the builder (before replacing a file) and the store (before serving one) share.

    Raises OtherVersionError, ForeignFileError, or sqlite3.DatabaseError for a file SQLite
    cannot read.
    """
    tables = {row[0] for row in connection.execute(_TABLES)}
    if meta.name not in tables:
        raise ForeignFileError("no meta table")
    facts = {str(key): str(value) for key, value in connection.execute(_META)}
    application = facts.get("application")
    if application != APPLICATION_ID:
        raise ForeignFileError(f"meta application is {application!r}")
    if facts.get("schema_version") != str(SCHEMA_VERSION):
        raise OtherVersionError(facts.get("schema_version"))
    missing = [name for name in _REQUIRED_TABLES if name not in tables]
    if missing:
        raise ForeignFileError(f"missing tables: {', '.join(missing)}")
    return facts
