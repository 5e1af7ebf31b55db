"""Every query the store runs, composed once with SQLAlchemy Core and compiled to SQL text.

Composing and compiling a statement costs tens of microseconds, more than the query itself on
an in-memory database, so it happens once at import; the hot path only binds parameters.
Each candidate query comes in two variants: all docsets, or only the docset ids passed as a
JSON array (``use_docsets``), so filtering happens in SQL before ``LIMIT`` caps the work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    and_,
    bindparam,
    column,
    func,
    null,
    select,
    table,
    union,
    union_all,
)
from sqlalchemy.dialects import sqlite

from docs_daemon.schema import FTS_TABLE, Kind, aliases, docsets, entries, meta

_DIALECT = sqlite.dialect(paramstyle="named")

#: Columns of an :class:`EntryBrief` row, in the order ``queries.brief_from_row`` reads them.
BRIEF_COLUMNS = (
    entries.c.docset_id,
    entries.c.qualname,
    entries.c.name,
    entries.c.kind,
    entries.c.parent,
    entries.c.signature,
    entries.c.summary,
    entries.c.url,
    entries.c.priority,
)
#: Brief columns followed by ``body``.
ENTRY_COLUMNS = (*BRIEF_COLUMNS, entries.c.body)


@dataclass(frozen=True, slots=True)
class Compiled:
    """SQL text plus the parameters SQLAlchemy fixed at compile time (e.g. a zero OFFSET)."""

    sql: str
    defaults: Mapping[str, Any]

    def bind(self, **params: Any) -> dict[str, Any]:
        """Parameters for one execution: the compile-time defaults overridden by ``params``."""
        return {**self.defaults, **params}


@dataclass(frozen=True, slots=True)
class Variants:
    """One query over all docsets, and the same query restricted to ``:docsets`` (JSON ids)."""

    all_docsets: Compiled
    some_docsets: Compiled


def compile_statement(statement: Select[Any] | CompoundSelect[Any]) -> Compiled:
    """Compile for SQLite's named parameter style, keeping SQLAlchemy's own bound defaults."""
    compiled = statement.compile(dialect=_DIALECT)
    defaults = {
        name: parameter.effective_value
        for parameter, name in compiled.bind_names.items()
        if not parameter.required
    }
    return Compiled(str(compiled), defaults)


def _docset_filter() -> ColumnElement[bool]:
    # ``docset_id + 0`` keeps SQLite from driving the query by the (docset, qualname) index,
    # which would scan a whole docset; the name/qualname/FTS indexes must stay in charge.
    allowed = func.json_each(bindparam("docsets")).table_valued("value")
    return (entries.c.docset_id + 0).in_(select(allowed.c.value))


def _variants(build: Any) -> Variants:
    """``build(extra_conditions)`` returns a statement; compile it without and with the filter."""
    return Variants(compile_statement(build(())), compile_statement(build((_docset_filter(),))))


def _cap() -> Any:
    return bindparam("cap", type_=Integer)


#: What ranking reads of a search candidate (``ranking.Candidate``); the wide columns are
#: fetched afterwards for the winners only (``BRIEFS_BY_ID``).
CANDIDATE_COLUMNS = (
    entries.c.id,
    entries.c.qualname,
    entries.c.name,
    entries.c.kind,
    entries.c.priority,
)


def _found_by(names: ColumnElement[bool], by_alias: ColumnElement[bool]) -> CompoundSelect[Any]:
    """Entries whose qualified name satisfies ``names``, then entries reached through an alias
    satisfying ``by_alias``, in one round trip: ``ENTRY_COLUMNS`` plus the name asked for
    (the alias) or NULL for an exact entry."""
    exact = select(*ENTRY_COLUMNS, null().label("alias")).where(names)
    through_alias = (
        select(*ENTRY_COLUMNS, aliases.c.alias)
        .select_from(
            aliases.join(
                entries,
                and_(
                    entries.c.docset_id == aliases.c.docset_id,
                    entries.c.qualname == aliases.c.qualname,
                ),
            )
        )
        .where(by_alias)
    )
    return union_all(exact, through_alias)


def _json_values(parameter: str) -> Select[Any]:
    return select(func.json_each(bindparam(parameter)).table_valued("value").c.value)


#: The entry with this exact qualified name, or reached through this alias.
LOOKUP = compile_statement(
    _found_by(
        entries.c.qualname == bindparam("qualname"),
        aliases.c.alias == bindparam("qualname"),
    )
)

#: ``LOOKUP`` for a JSON array of names, for ``lookup_many``.
LOOKUP_MANY = compile_statement(
    _found_by(
        entries.c.qualname.in_(_json_values("qualnames")),
        aliases.c.alias.in_(_json_values("qualnames")),
    )
)

#: Entries whose qualified name is ``:qualname`` in any (ASCII) case, for ``lookup_nocase``.
#: Driven by the NOCASE index on the last component ``:name``, then filtered: measured on
#: the stdlib 21 us median / 143 us p99 of SQL, against 17 / 47 us with a NOCASE index on
#: ``qualname`` of its own (+0.3 MiB), both far below one round trip to a lane.
LOOKUP_NOCASE = compile_statement(
    select(*ENTRY_COLUMNS).where(
        entries.c.name.collate("NOCASE") == bindparam("name"),
        entries.c.qualname.collate("NOCASE") == bindparam("qualname"),
    )
)

#: Whole entries whose last component is ``:name`` (any case), for ``resolve``.
RESOLVE_NAME = _variants(
    lambda extra: (
        select(*ENTRY_COLUMNS)
        .where(entries.c.name.collate("NOCASE") == bindparam("name"), *extra)
        .limit(_cap())
    )
)

#: Whole entries whose last component matches the LIKE pattern ``:pat``, for ``resolve``
#: when no name matches exactly.
RESOLVE_LIKE = _variants(
    lambda extra: select(*ENTRY_COLUMNS).where(
        entries.c.id.in_(
            select(entries.c.id)
            .where(entries.c.name.like(bindparam("pat"), escape="\\"), *extra)
            .limit(_cap())
        )
    )
)

#: Documented members of ``:parent`` whose name matches ``:pat`` (case-insensitive LIKE).
MEMBERS = _variants(
    lambda extra: (
        select(*BRIEF_COLUMNS)
        .where(
            entries.c.parent == bindparam("parent"),
            entries.c.name.like(bindparam("pat"), escape="\\"),
            *extra,
        )
        # By name only: the (parent, name) index yields that order; adding docset_id would
        # sort again in a temporary b-tree (+50% on `os`, 370 members). Docset ties are
        # settled in Python.
        .order_by(entries.c.name)
        .limit(_cap())
    )
)

#: Modules whose qualified name lies in ``[:low, :high)`` (a prefix range on the index).
MODULES = _variants(
    lambda extra: (
        select(*BRIEF_COLUMNS)
        .where(
            entries.c.qualname >= bindparam("low"),
            entries.c.qualname < bindparam("high"),
            entries.c.kind == Kind.MODULE.value,
            *extra,
        )
        .order_by(entries.c.qualname, entries.c.docset_id)
        .limit(_cap())
    )
)

_fts = table(FTS_TABLE, column("rowid"))
_fts_match = column(FTS_TABLE).op("MATCH")(bindparam("match"))


def _name_like(parameter: str) -> Callable[[Sequence[ColumnElement[bool]]], Select[Any]]:
    return lambda extra: (
        select(entries.c.id)
        .where(entries.c.name.like(bindparam(parameter), escape="\\"), *extra)
        .limit(_cap())
    )


#: The ways a search finds candidate ids, each capped by ``:cap``, by name of its part:
#: ``name``: name prefix ``:name_pat`` ("dum%", a range on the NOCASE index, which also
#: finds exact names first); ``qualname``: qualified-name range ``[:low, :high)``
#: ("os.path.jo"); ``words``: the full-text index over name words, unranked so ``LIMIT``
#: stops it early (``:match`` is built by ``ranking.fts_query`` from quoted tokens only);
#: ``substring``: ``:substring_pat`` ("%dum%", a scan of the NOCASE index alone);
#: ``fuzzy``: ``:fuzzy_pat`` ("o%d%i%c%t%", a range on the first letter).
SEARCH_PARTS: dict[str, Callable[[Sequence[ColumnElement[bool]]], Select[Any]]] = {
    "name": _name_like("name_pat"),
    "qualname": lambda extra: (
        select(entries.c.id)
        .where(
            entries.c.qualname >= bindparam("low"),
            entries.c.qualname < bindparam("high"),
            *extra,
        )
        .limit(_cap())
    ),
    "words": lambda extra: (
        select(entries.c.id)
        .select_from(_fts.join(entries, entries.c.id == _fts.c.rowid))
        .where(_fts_match, *extra)
        .limit(_cap())
    ),
    "substring": _name_like("substring_pat"),
    "fuzzy": _name_like("fuzzy_pat"),
}


@functools.cache
def search_candidates(parts: tuple[str, ...]) -> Variants:
    """One statement running several ``SEARCH_PARTS`` at once (one round trip to the lane
    instead of one per part), returning ``CANDIDATE_COLUMNS`` rows. Compiled on first use
    of each combination, then cached."""

    def build(extra: Sequence[ColumnElement[bool]]) -> Select[Any]:
        selects = [select(SEARCH_PARTS[part](extra).subquery().c.id) for part in parts]
        ids = selects[0] if len(selects) == 1 else union_all(*selects)
        return select(*CANDIDATE_COLUMNS).where(entries.c.id.in_(ids))

    return _variants(build)


#: Every combination ``queries.search`` asks for.
SEARCH_COMBINATIONS = (
    ("name",),
    ("name", "words"),
    ("name", "qualname"),
    ("name", "qualname", "words"),
    ("fuzzy",),
    ("substring", "fuzzy"),
)


def precompile_search() -> None:
    """Compile every search combination now (~10 ms), so the first searches do not pay for
    it on the event loop; called from the loading thread."""
    for parts in SEARCH_COMBINATIONS:
        search_candidates(parts)


#: Brief rows (plus id) for a JSON array of entry ids: the search results to return.
BRIEFS_BY_ID = compile_statement(
    select(*BRIEF_COLUMNS, entries.c.id).where(
        entries.c.id.in_(select(func.json_each(bindparam("ids")).table_valued("value").c.value))
    )
)

#: All ``meta`` rows, checked before a file is served.
META = compile_statement(select(meta.c.key, meta.c.value))


def _head(name: ColumnElement[str]) -> ColumnElement[str]:
    """The first dotted component of ``name`` (the whole name when it has no dot)."""
    return func.substr(name, 1, func.instr(name.concat("."), ".") - 1)


#: Every first component of a qualified name or alias (``json``, ``str``, ``len``, ``with``):
#: read once per load, so a lookup skips the databases that cannot have the name.
HEADS = compile_statement(union(select(_head(entries.c.qualname)), select(_head(aliases.c.alias))))

#: The docsets of one database in id order.
DOCSETS = compile_statement(
    select(
        docsets.c.id,
        docsets.c.name,
        docsets.c.version,
        docsets.c.base_url,
        docsets.c.source,
        docsets.c.built_at,
        docsets.c.entry_count,
        docsets.c.origin,
        docsets.c.distribution,
        docsets.c.source_digest,
    ).order_by(docsets.c.id)
)
