"""Every statement the store runs, with the shape of the rows it returns.

Statements are composed once with SQLAlchemy Core and compiled to SQL text at import:
composing and compiling costs tens of microseconds, more than the query itself on an
in-memory database, so the hot path only binds parameters. Each result shape is a named
tuple declared once here: statements select its fields by name and in its order, and readers
take rows by field name (``row.qualname``), never by position.

The queries that take a docset filter come in two variants: all docsets, or only the docset
ids passed as a JSON array (``use_docsets``), so filtering happens in SQL before ``LIMIT``
caps the work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    null,
    select,
    table,
    union,
    union_all,
)
from sqlalchemy.dialects import sqlite

from docs_daemon.schema import FTS_TABLE, TEXT_FTS_TABLE, Kind, aliases, docsets, entries

_DIALECT = sqlite.dialect(paramstyle="named")

# -- result shapes -------------------------------------------------------------------------


class EntryRow(NamedTuple):
    """An entry as queries return it. Briefs (completion lists, search results) read ``""``
    for ``body``; ``alias`` is the name a lookup was reached through, None for an exact one."""

    id: int
    docset_id: int
    qualname: str
    name: str
    kind: str
    parent: str | None
    signature: str
    summary: str
    url: str
    priority: int
    body: str
    alias: str | None


class CandidateRow(NamedTuple):
    """A search candidate: only what ranking reads; ``score`` is the full-text relevance of
    a phrase match (bm25: lower is better), 0 for a match by name."""

    id: int
    qualname: str
    name: str
    kind: str
    priority: int
    score: float


class DocsetRow(NamedTuple):
    id: int
    name: str
    version: str
    base_url: str
    source: str
    built_at: str
    entry_count: int
    origin: str
    distribution: str
    source_digest: str


class HeadRow(NamedTuple):
    head: str


class CountRow(NamedTuple):
    total: int


Row = TypeVar("Row", bound=tuple[Any, ...])


@dataclass(frozen=True, slots=True)
class Compiled(Generic[Row]):
    """SQL text, the parameters SQLAlchemy fixed at compile time (e.g. a zero OFFSET), and
    the shape of its rows."""

    sql: str
    defaults: Mapping[str, Any]
    shape: Callable[[Sequence[Any]], Row]

    def bind(self, **params: Any) -> dict[str, Any]:
        """Parameters for one execution: the compile-time defaults overridden by ``params``."""
        return {**self.defaults, **params}

    def rows(self, raw: Iterable[Sequence[Any]]) -> list[Row]:
        return [self.shape(values) for values in raw]


@dataclass(frozen=True, slots=True)
class Variants(Generic[Row]):
    """One query over all docsets, and the same query restricted to ``:docsets`` (JSON ids)."""

    all_docsets: Compiled[Row]
    some_docsets: Compiled[Row]


def compile_statement(
    statement: Select[Any] | CompoundSelect[Any], shape: type[Row]
) -> Compiled[Row]:
    """Compile for SQLite's named parameter style, keeping SQLAlchemy's own bound defaults;
    refuse a statement whose columns are not ``shape``'s fields in order."""
    names = tuple(statement.selected_columns.keys())
    fields: tuple[str, ...] = getattr(shape, "_fields", names)
    if names != fields:
        raise TypeError(f"statement selects {names}, its shape {shape.__name__} is {fields}")
    compiled = statement.compile(dialect=_DIALECT)
    defaults = {
        name: parameter.effective_value
        for parameter, name in compiled.bind_names.items()
        if not parameter.required
    }
    return Compiled(str(compiled), defaults, getattr(shape, "_make", shape))


def _variants(
    build: Callable[[Sequence[ColumnElement[bool]]], Any], shape: type[Row]
) -> Variants[Row]:
    """``build(extra_conditions)`` returns a statement; compile it without and with the filter."""
    return Variants(
        compile_statement(build(()), shape),
        compile_statement(build((_docset_filter(),)), shape),
    )


def _docset_filter() -> ColumnElement[bool]:
    # ``docset_id + 0`` keeps SQLite from driving the query by the (docset, qualname) index,
    # which would scan a whole docset; the name/qualname/FTS indexes must stay in charge.
    return (entries.c.docset_id + 0).in_(_json_values("docsets"))


def _json_values(parameter: str) -> Select[Any]:
    return select(func.json_each(bindparam(parameter)).table_valued("value").c.value)


def _cap() -> Any:
    return bindparam("cap", type_=Integer)


def _entry_columns(alias: ColumnElement[Any], **overrides: ColumnElement[Any]) -> list[Any]:
    """``EntryRow``'s columns: the ``entries`` column of each field's name, but ``alias`` (no
    such column) and ``overrides``."""
    chosen = {"alias": alias.label("alias"), **overrides}
    return [chosen[f] if f in chosen else entries.c[f] for f in EntryRow._fields]


def _whole_entries() -> list[Any]:
    return _entry_columns(null())


def _brief_columns() -> list[Any]:
    """Like an entry, but without its (long) body."""
    return _entry_columns(null(), body=literal_column("''", String).label("body"))


def _prefix(name: ColumnElement[str], low: str, high: str) -> ColumnElement[bool]:
    """``name`` starts with ``:low`` in any (ASCII) case: a range on the NOCASE index.

    A range, not ``LIKE 'x%'``: SQLite's LIKE optimisation gives the same index range, but
    measured inside a compound statement the LIKE form cost 3x (141 vs 42 us on a small
    docset), and a range needs no escaping.
    """
    folded = name.collate("NOCASE")
    return and_(folded >= bindparam(low), folded < bindparam(high))


# -- lookups -------------------------------------------------------------------------------


def _found_by(names: ColumnElement[bool], by_alias: ColumnElement[bool]) -> CompoundSelect[Any]:
    """Entries whose qualified name satisfies ``names``, then entries reached through an alias
    satisfying ``by_alias``, in one round trip."""
    exact = select(*_whole_entries()).where(names)
    through_alias = (
        select(*_entry_columns(aliases.c.alias))
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


#: The entry with this exact qualified name, or reached through this alias.
LOOKUP = compile_statement(
    _found_by(
        entries.c.qualname == bindparam("qualname"),
        aliases.c.alias == bindparam("qualname"),
    ),
    EntryRow,
)

#: ``LOOKUP`` for a JSON array of names, for ``lookup_many``.
LOOKUP_MANY = compile_statement(
    _found_by(
        entries.c.qualname.in_(_json_values("qualnames")),
        aliases.c.alias.in_(_json_values("qualnames")),
    ),
    EntryRow,
)

#: Entries whose qualified name is ``:qualname`` in any (ASCII) case, for ``lookup_nocase``.
#: Driven by the NOCASE index on the last component ``:name``, then filtered: measured on
#: the stdlib 21 us median / 143 us p99 of SQL, against 17 / 47 us with a NOCASE index on
#: ``qualname`` of its own (+0.3 MiB), both far below one round trip to a lane.
LOOKUP_NOCASE = compile_statement(
    select(*_whole_entries()).where(
        entries.c.name.collate("NOCASE") == bindparam("name"),
        entries.c.qualname.collate("NOCASE") == bindparam("qualname"),
    ),
    EntryRow,
)

#: Whole entries whose last component is ``:name`` (any case), for ``resolve``.
RESOLVE_NAME = _variants(
    lambda extra: (
        select(*_whole_entries())
        .where(entries.c.name.collate("NOCASE") == bindparam("name"), *extra)
        .limit(_cap())
    ),
    EntryRow,
)

#: Whole entries whose last component starts with ``:low`` (any case), for ``resolve``
#: when no name matches exactly.
RESOLVE_PREFIX = _variants(
    lambda extra: select(*_whole_entries()).where(
        entries.c.id.in_(
            select(entries.c.id).where(_prefix(entries.c.name, "low", "high"), *extra).limit(_cap())
        )
    ),
    EntryRow,
)

#: Documented members of ``:parent`` whose name starts with ``:low`` (any case).
MEMBERS = _variants(
    lambda extra: (
        select(*_brief_columns())
        .where(
            entries.c.parent == bindparam("parent"),
            _prefix(entries.c.name, "low", "high"),
            *extra,
        )
        # By name only: the (parent, name) index yields that order; adding docset_id would
        # sort again in a temporary b-tree (+50% on `os`, 370 members). Docset ties are
        # settled in Python.
        .order_by(entries.c.name)
        .limit(_cap())
    ),
    EntryRow,
)

#: Modules whose qualified name lies in ``[:low, :high)`` (a prefix range on the index).
MODULES = _variants(
    lambda extra: (
        select(*_brief_columns())
        .where(
            entries.c.qualname >= bindparam("low"),
            entries.c.qualname < bindparam("high"),
            entries.c.kind == Kind.MODULE.value,
            *extra,
        )
        .order_by(entries.c.qualname, entries.c.docset_id)
        .limit(_cap())
    ),
    EntryRow,
)

#: Brief rows for a JSON array of entry ids: the search results to return.
BRIEFS_BY_ID = compile_statement(
    select(*_brief_columns()).where(entries.c.id.in_(_json_values("ids"))), EntryRow
)

# -- search --------------------------------------------------------------------------------

_fts = table(FTS_TABLE, column("rowid"))
_text = table(TEXT_FTS_TABLE, column("rowid"))
_NO_SCORE = literal_column("0.0", Float).label("score")
#: bm25 weights of ``entries_text``'s columns: a word of the name counts four times a word
#: of the summary.
_TEXT_SCORE = func.bm25(column(TEXT_FTS_TABLE), 4.0, 1.0)


def _candidate_columns(score: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """``CandidateRow``'s columns, its ``score`` given."""
    return [entries.c[f] for f in CandidateRow._fields[:-1]] + [score.label("score")]


def _candidates_where(*conditions: ColumnElement[bool]) -> Callable[..., Select[Any]]:
    """Candidates whose name satisfies ``conditions``: the ids are found in the NOCASE name
    index alone (a scan of it, for a substring), then only the capped few rows are read;
    selecting the wide columns directly made SQLite scan the table instead."""
    return lambda extra: select(*_candidate_columns(_NO_SCORE)).where(
        entries.c.id.in_(select(entries.c.id).where(*conditions, *extra).limit(_cap()))
    )


def _name_words_match(extra: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """Entries whose name words match ``:match`` (built by ``ranking.fts_query`` from quoted
    tokens only), unranked so ``LIMIT`` stops the match early."""
    return (
        select(*_candidate_columns(_NO_SCORE))
        .select_from(_fts.join(entries, entries.c.id == _fts.c.rowid))
        .where(column(FTS_TABLE).op("MATCH")(bindparam("match")), *extra)
        .limit(_cap())
    )


def _phrase_match(extra: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The most relevant entries whose name words and summary hold every word of
    ``:text_match`` (``ranking.phrase_query``): relevance is computed for the first
    ``:text_scan`` matches only, so a phrase of common words costs bounded work."""
    scored = (
        select(_text.c.rowid.label("rowid"), _TEXT_SCORE.label("score"))
        .where(column(TEXT_FTS_TABLE).op("MATCH")(bindparam("text_match")))
        .limit(bindparam("text_scan", type_=Integer))
        .subquery("scored")
    )
    return (
        select(*_candidate_columns(scored.c.score))
        .select_from(scored.join(entries, entries.c.id == scored.c.rowid))
        .where(*extra)
        .order_by(scored.c.score)
        .limit(_cap())
    )


#: The ways a search finds candidates, each capped by ``:cap``, by name of its part:
#: ``name``: name prefix ``[:name_low, :name_high)`` (a range on the NOCASE index, which
#: also finds exact names first); ``qualname``: qualified-name range ``[:low, :high)``
#: ("os.path.jo"); ``words``: the full-text index over name words (``:match``);
#: ``text``: the full-text index over name words and summaries (``:text_match``), for
#: phrases; ``substring``: ``:substring_pat`` ("%dum%", a scan of the NOCASE index alone);
#: ``fuzzy``: ``:fuzzy_pat`` ("o%d%i%c%t%") within the range of its first letter
#: ``[:fuzzy_low, :fuzzy_high)``.
SEARCH_PARTS: dict[str, Callable[[Sequence[ColumnElement[bool]]], Select[Any]]] = {
    "name": _candidates_where(_prefix(entries.c.name, "name_low", "name_high")),
    "qualname": _candidates_where(
        entries.c.qualname >= bindparam("low"), entries.c.qualname < bindparam("high")
    ),
    "words": _name_words_match,
    "text": _phrase_match,
    "substring": _candidates_where(entries.c.name.like(bindparam("substring_pat"), escape="\\")),
    "fuzzy": _candidates_where(
        _prefix(entries.c.name, "fuzzy_low", "fuzzy_high"),
        entries.c.name.like(bindparam("fuzzy_pat"), escape="\\"),
    ),
}


@functools.cache
def search_candidates(parts: tuple[str, ...]) -> Variants[CandidateRow]:
    """One statement running several ``SEARCH_PARTS`` at once (one round trip to the lane
    instead of one per part); a candidate found by two parts comes twice. Compiled on first
    use of each combination, then cached."""

    def build(extra: Sequence[ColumnElement[bool]]) -> Select[Any] | CompoundSelect[Any]:
        selects = [SEARCH_PARTS[part](extra) for part in parts]
        if len(selects) == 1:
            return selects[0]
        # Each part keeps its own LIMIT inside a subquery of the compound.
        return union_all(*(select(part.subquery()) for part in selects))

    return _variants(build, CandidateRow)


#: Every combination ``queries.search`` asks for.
SEARCH_COMBINATIONS = (
    ("name",),
    ("name", "words"),
    ("name", "qualname"),
    ("name", "qualname", "words"),
    ("text",),
    ("fuzzy",),
    ("substring", "fuzzy"),
)


def precompile_search() -> None:
    """Compile every search combination now (~10 ms), so the first searches do not pay for
    it on the event loop; called from the loading thread."""
    for parts in SEARCH_COMBINATIONS:
        search_candidates(parts)


# -- loading -------------------------------------------------------------------------------

#: The docsets of one database in id order.
DOCSETS = compile_statement(
    select(*(docsets.c[field] for field in DocsetRow._fields)).order_by(docsets.c.id), DocsetRow
)


def _head(name: ColumnElement[str]) -> ColumnElement[str]:
    """The first dotted component of ``name`` (the whole name when it has no dot)."""
    return func.substr(name, 1, func.instr(name.concat("."), ".") - 1).label("head")


#: Every first component of a qualified name or alias (``json``, ``str``, ``len``, ``with``):
#: read once per load, so a lookup skips the databases that cannot have the name.
HEADS = compile_statement(
    union(select(_head(entries.c.qualname)), select(_head(aliases.c.alias))), HeadRow
)

#: The terms of the name index, through a temporary FTS5 vocabulary table (``vocabulary``).
VOCABULARY_OPEN = f"CREATE VIRTUAL TABLE temp.name_terms USING fts5vocab(main, {FTS_TABLE}, 'row')"
VOCABULARY_TERMS = "SELECT term FROM temp.name_terms"
VOCABULARY_CLOSE = "DROP TABLE temp.name_terms"

#: What ``loader`` checks of a copy before serving it (see ``loader.verify``).
QUICK_CHECK = "PRAGMA quick_check"
PAGE_COUNT = "PRAGMA page_count"
DECLARED_ENTRIES = compile_statement(
    select(func.coalesce(func.sum(docsets.c.entry_count), 0).label("total")), CountRow
)
COUNTED_ENTRIES = compile_statement(
    select(func.count().label("total")).select_from(entries), CountRow
)

#: Per-connection settings of a lane: read-only for good, its page cache (KiB when
#: negative) and how much of the copy it reads through memory mapping.
QUERY_ONLY = "PRAGMA query_only = 1"


def cache_size(kib: int) -> str:
    return f"PRAGMA cache_size = {-int(kib)}"


def mmap_size(size: int) -> str:
    return f"PRAGMA mmap_size = {int(size)}"
