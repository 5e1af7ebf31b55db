"""The store's queries over the served databases, in precedence order, as typed results.

Every function takes the *scopes* of one query: the databases pinned for it, in precedence
order, each with the docsets it may answer from. SQL runs through pre-compiled statements
(``statements``), whose rows are read by field name; which results match and how they rank
is decided in ``ranking``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from docs_daemon.schema import Kind
from docs_daemon.store import statements
from docs_daemon.store.database import LoadedDatabase
from docs_daemon.store.models import DocsetInfo, Entry, EntryBrief
from docs_daemon.store.ranking import (
    UNCONFIGURED,
    Candidate,
    Tier,
    content_words,
    fts_query,
    like_escape,
    match_tier,
    phrase_query,
    prefix_range,
    query_words,
    rank_resolve,
    rank_search,
    subsequence_pattern,
)
from docs_daemon.store.statements import CandidateRow, Compiled, EntryRow, Row, Variants

#: Candidates fetched per search stage and database: enough to rank well, small enough that
#: even a one-letter query on a 50x database does bounded work...
SEARCH_CAP = 200
#: ...and across databases: with many loaded, each gets its share of this budget (but at
#: least ``SEARCH_CAP_MIN``), so ranking never weighs more than a few hundred candidates.
SEARCH_BUDGET = 400
SEARCH_CAP_MIN = 40
#: Phrase matches whose relevance is computed per database, the best ``SEARCH_CAP`` kept:
#: bounds the work of a phrase of common words (bm25 costs ~6 us a match here).
TEXT_SCAN = 500
#: Entries fetched per database for a short name in ``resolve``.
RESOLVE_CAP = 200
#: Substring scans read a whole name index; they run for queries at least this long...
SUBSTRING_MIN_LENGTH = 3
#: ...and only over this many entries (the first databases, in precedence order): the scan
#: costs ~60 ns per entry here (0.6 ms on the stdlib), so past this it would break the
#: per-keystroke budget; the others still match inside names at word boundaries
#: (camelCase, ``_``) through the FTS stage.
SUBSTRING_MAX_ENTRIES = 100_000
#: Substring and subsequence candidates are looked for only when the indexed kinds found
#: fewer matches than this and none by name (they would rank after all of those).
FALLBACK_BELOW = 20

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Scope:
    """One database as seen by one query: its precedence and the docsets it may answer."""

    db: LoadedDatabase
    precedence: int
    #: Docset ids this query may return; None means all of the database's docsets.
    allowed: frozenset[int] | None
    #: The user configured this database (``Precedence.CONFIGURED``): it answers short names
    #: before any other, builtins included.
    configured: bool = False

    def allows(self, docset_id: int) -> bool:
        return self.allowed is None or docset_id in self.allowed

    def statement(
        self, variants: Variants[Row], **params: Any
    ) -> tuple[Compiled[Row], dict[str, Any]]:
        """The variant of a query for this scope's docset filter, with its parameters."""
        if self.allowed is None:
            return variants.all_docsets, variants.all_docsets.bind(**params)
        compiled = variants.some_docsets
        return compiled, compiled.bind(docsets=json.dumps(sorted(self.allowed)), **params)

    async def fetch(self, variants: Variants[Row], **params: Any) -> list[Row]:
        return await self.db.fetch(*self.statement(variants, **params))


async def _on_each(scopes: Sequence[Scope], run: Callable[[Scope], Awaitable[T]]) -> list[T]:
    """``run`` on every scope at once, results in scope order: each database has its own
    lanes and threads, so a query over ten docsets waits about as long as its slowest
    database instead of the sum of all of them."""
    if len(scopes) == 1:
        return [await run(scopes[0])]
    # Every query finishes before this returns or raises: the databases stay pinned until
    # then, so a reload never closes a lane under a query still running.
    results = await asyncio.gather(*(run(scope) for scope in scopes), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [result for result in results if not isinstance(result, BaseException)]


# -- rows to results -------------------------------------------------------------------------

#: ``Kind(value)`` goes through the enum machinery (~0.5 us); completion lists convert
#: hundreds of rows per keystroke.
_KINDS = {kind.value: kind for kind in Kind}


def _kind(value: str) -> Kind:
    return _KINDS.get(value) or Kind(value)


def _shared(
    row: EntryRow, docset: DocsetInfo | None
) -> tuple[str, str, str, Kind, str | None, str, str, str]:
    """The fields an :class:`EntryBrief` and an :class:`Entry` share, in their order."""
    return (
        docset.name if docset else "",
        row.qualname,
        row.name,
        _kind(row.kind),
        row.parent,
        row.signature,
        row.summary,
        row.url,
    )


def brief_from_row(row: EntryRow, docsets: Mapping[int, DocsetInfo]) -> EntryBrief:
    docset = docsets.get(row.docset_id)
    origin = docset.origin if docset else "official"
    return EntryBrief(*_shared(row, docset), origin=origin)


def entry_from_row(row: EntryRow, docsets: Mapping[int, DocsetInfo]) -> Entry:
    docset = docsets.get(row.docset_id)
    origin = docset.origin if docset else "official"
    return Entry(*_shared(row, docset), row.body, origin=origin)


# -- lookups ---------------------------------------------------------------------------------


def _best_rows(scope: Scope, rows: Iterable[EntryRow]) -> dict[str, EntryRow]:
    """Per name asked (the alias a row was reached through, or its own name), the row this
    scope answers with: an exact entry before an alias, then the lowest docset id."""
    best: dict[str, EntryRow] = {}
    for row in rows:
        if not scope.allows(row.docset_id):
            continue
        asked = row.alias if row.alias is not None else row.qualname
        current = best.get(asked)
        if current is None or _preference(row) < _preference(current):
            best[asked] = row
    return best


def _preference(row: EntryRow) -> tuple[bool, int]:
    return row.alias is not None, row.docset_id


async def lookup(scopes: Sequence[Scope], qualname: str) -> Entry | None:
    """The entry named exactly ``qualname`` from the first database and docset that has it;
    failing that anywhere, the documented entry this name is an alias of."""
    found = await lookup_many(scopes, [qualname])
    return found[0] if found else None


async def lookup_many(scopes: Sequence[Scope], qualnames: Sequence[str]) -> list[Entry]:
    """Entries for ``qualnames`` in the given order; names found nowhere are left out. An
    entry with the name in any database wins over an alias in a database before it; a
    database whose names cannot start like a name is not asked for it."""
    wanted = list(dict.fromkeys(qualnames))
    exact: dict[str, Entry] = {}
    via_alias: dict[str, Entry] = {}
    for scope in scopes:
        if len(exact) == len(wanted):
            break
        missing = [name for name in wanted if name not in exact and scope.db.may_have(name)]
        if not missing:
            continue
        if len(missing) == 1:
            rows = await scope.db.fetch(statements.LOOKUP, {"qualname": missing[0]})
        else:
            params = statements.LOOKUP_MANY.bind(qualnames=json.dumps(missing))
            rows = await scope.db.fetch(statements.LOOKUP_MANY, params)
        for name, row in _best_rows(scope, rows).items():
            if row.alias is None:
                exact[name] = entry_from_row(row, scope.db.docsets_by_id)
            elif name not in via_alias:
                via_alias[name] = entry_from_row(row, scope.db.docsets_by_id)
    found = {**via_alias, **exact}
    return [found[name] for name in qualnames if name in found]


async def lookup_nocase(scopes: Sequence[Scope], qualname: str) -> Entry | None:
    """The entry named ``qualname`` in any case (``JSON.dumps`` -> ``json.dumps``): an exact
    lookup first, then the first database with a case-insensitive match (its highest-ranked
    one when several names differ only in case)."""
    found = await lookup(scopes, qualname)
    if found is not None:
        return found
    params = {"name": qualname.rpartition(".")[2], "qualname": qualname}
    for scope in scopes:
        rows = await scope.db.fetch(statements.LOOKUP_NOCASE, params)
        allowed = [row for row in rows if scope.allows(row.docset_id)]
        if allowed:
            best = min(allowed, key=lambda row: (-row.priority, row.docset_id, row.qualname))
            return entry_from_row(best, scope.db.docsets_by_id)
    return None


def _fits_head(qualname: str, name: str, head: str | None) -> bool:
    """Whether a dotted partial name ("path.join") ends ``qualname`` ("os.path.join")."""
    if head is None:
        return True
    dotted = f"{head}.{name}"
    return qualname == dotted or qualname.endswith("." + dotted)


async def resolve(
    scopes: Sequence[Scope], name: str, context: Sequence[str], limit: int
) -> list[Entry]:
    """Best entries for a short or partial name: exact last component first (any case),
    falling back to names that start with it."""
    name = name.strip()
    if not name or limit <= 0:
        return []
    head, _, last = name.rpartition(".")
    head_or_none = head or None
    low, high = prefix_range(last)

    async def stage(scope: Scope, exact: bool) -> list[tuple[Entry, int, int, int]]:
        if not scope.db.may_match(last):
            return []
        if exact:
            rows = await scope.fetch(statements.RESOLVE_NAME, name=last, cap=RESOLVE_CAP)
        else:
            rows = await scope.fetch(statements.RESOLVE_PREFIX, low=low, high=high, cap=RESOLVE_CAP)
        configured = scope.precedence if scope.configured else UNCONFIGURED
        return [
            (
                entry_from_row(row, scope.db.docsets_by_id),
                row.priority,
                scope.precedence,
                configured,
            )
            for row in rows
            if scope.allows(row.docset_id) and _fits_head(row.qualname, row.name, head_or_none)
        ]

    candidates: list[tuple[Entry, int, int, int]] = []
    for exact in (True, False):
        for found in await _on_each(scopes, lambda scope: stage(scope, exact)):  # noqa: B023
            candidates.extend(found)
        if candidates:
            break
    return rank_resolve(name, context, candidates, limit)


async def members(
    scopes: Sequence[Scope], parent: str, prefix: str, limit: int
) -> list[EntryBrief]:
    """Documented members of a module or class whose name starts with ``prefix`` (any
    case), by name; a name documented in several databases comes from the first."""
    low, high = prefix_range(prefix)
    found: dict[str, EntryBrief] = {}
    for scope in scopes:
        if not scope.db.may_have(parent):
            continue
        rows = await scope.fetch(statements.MEMBERS, parent=parent, low=low, high=high, cap=limit)
        best: dict[str, EntryRow] = {}
        for row in rows:
            if row.name not in found and (
                row.name not in best or row.docset_id < best[row.name].docset_id
            ):
                best[row.name] = row
        for member, row in best.items():
            found[member] = brief_from_row(row, scope.db.docsets_by_id)
    ordered = sorted(found.values(), key=lambda entry: (entry.name.lower(), entry.name))
    return ordered[:limit]


async def modules(scopes: Sequence[Scope], prefix: str, limit: int) -> list[EntryBrief]:
    """Modules whose qualified name starts with ``prefix``, in name order."""
    low, high = prefix_range(prefix)
    found: dict[str, EntryBrief] = {}
    for scope in scopes:
        for row in await scope.fetch(statements.MODULES, low=low, high=high, cap=limit):
            found.setdefault(row.qualname, brief_from_row(row, scope.db.docsets_by_id))
    return [found[name] for name in sorted(found)[:limit]]


# -- search ----------------------------------------------------------------------------------

Parts = dict[str, dict[str, Any]]


class _Pool:
    """The candidates of one search, one per entry and database: a phrase match of an entry
    already found by name adds its relevance to it."""

    def __init__(self) -> None:
        self._by_entry: dict[tuple[int, int], Candidate] = {}

    def add(self, precedence: int, rows: Iterable[CandidateRow], scored: bool) -> None:
        for row in rows:
            key = (precedence, row.id)
            known = self._by_entry.get(key)
            if known is None:
                self._by_entry[key] = Candidate(
                    row.id,
                    row.qualname,
                    row.name,
                    row.kind,
                    row.priority,
                    precedence,
                    row.score if scored else None,
                )
            elif scored and known.score is None:
                self._by_entry[key] = replace(known, score=row.score)

    def all(self) -> list[Candidate]:
        return list(self._by_entry.values())


async def _gather(
    scopes: Sequence[Scope], parts: Callable[[Scope], Parts], pool: _Pool, *, scored: bool = False
) -> None:
    """Capped candidates of the given ``statements.SEARCH_PARTS`` from every database at
    once, one statement (one round trip) per database."""
    cap = min(SEARCH_CAP, max(SEARCH_CAP_MIN, SEARCH_BUDGET // max(1, len(scopes))))

    async def run(scope: Scope) -> list[CandidateRow]:
        chosen = parts(scope)
        if not chosen:
            return []
        params: dict[str, Any] = {"cap": cap, "text_scan": TEXT_SCAN}
        for part_params in chosen.values():
            params.update(part_params)
        statement, bound = scope.statement(statements.search_candidates(tuple(chosen)), **params)
        return await scope.db.fetch_for_search(statement, bound)

    for scope, rows in zip(scopes, await _on_each(scopes, run), strict=True):
        pool.add(scope.precedence, rows, scored)


async def _briefs(scopes: Sequence[Scope], winners: Sequence[Candidate]) -> list[EntryBrief]:
    """The full brief entries of the ranked winners, in their ranked order."""
    by_precedence: dict[int, list[int]] = {}
    for candidate in winners:
        by_precedence.setdefault(candidate.precedence, []).append(candidate.ident)

    async def briefs(scope: Scope) -> list[tuple[tuple[int, int], EntryBrief]]:
        idents = by_precedence.get(scope.precedence)
        if not idents:
            return []
        params = statements.BRIEFS_BY_ID.bind(ids=json.dumps(idents))
        return [
            ((scope.precedence, row.id), brief_from_row(row, scope.db.docsets_by_id))
            for row in await scope.db.fetch(statements.BRIEFS_BY_ID, params)
        ]

    found = dict(pair for pairs in await _on_each(scopes, briefs) for pair in pairs)
    keys = ((candidate.precedence, candidate.ident) for candidate in winners)
    return [found[key] for key in keys if key in found]


def _substring_scopes(scopes: Sequence[Scope]) -> set[int]:
    """The databases (by precedence) whose names a substring search may scan: the first
    ones, while together they hold at most ``SUBSTRING_MAX_ENTRIES``."""
    total, chosen = 0, set()
    for scope in scopes:
        total += scope.db.entry_count
        if total > SUBSTRING_MAX_ENTRIES:
            break
        chosen.add(scope.precedence)
    return chosen


def _name_parts(words: Sequence[str]) -> Parts:
    """Name prefix, qualified-name prefix for a dotted word, full-text name words."""
    last = words[-1]
    # Names have no dots: a dotted word's names start with its last part (path.joi -> join).
    name_low, name_high = prefix_range(last.rpartition(".")[2] or last)
    parts: Parts = {"name": {"name_low": name_low, "name_high": name_high}}
    if len(words) == 1 and "." in last:
        low, high = prefix_range(last)
        parts["qualname"] = {"low": low, "high": high}
    match = fts_query(words)
    if match is not None:
        parts["words"] = {"match": match}
    return parts


def _fallback_parts(word: str, scopes: Sequence[Scope]) -> Callable[[Scope], Parts]:
    """Name substring (on the databases small enough to scan) and first-letter subsequence."""
    scanned = _substring_scopes(scopes) if len(word) >= SUBSTRING_MIN_LENGTH else set()
    low, high = prefix_range(word[0])
    fuzzy = {"fuzzy_pat": subsequence_pattern(word), "fuzzy_low": low, "fuzzy_high": high}

    def parts(scope: Scope) -> Parts:
        chosen: Parts = {}
        if scope.precedence in scanned:
            chosen["substring"] = {"substring_pat": "%" + like_escape(word) + "%"}
        if scope.db.may_match(word[0]):
            chosen["fuzzy"] = fuzzy
        return chosen

    return parts


async def search(scopes: Sequence[Scope], query: str, limit: int) -> list[EntryBrief]:
    """Ranked symbol search with bounded work: per database and stage one query running a
    few capped, indexed candidate searches and returning narrow rows, ranking in Python over
    at most a few hundred candidates, then one query for the winners' briefs.

    First: name prefix (which also finds exact names), qualified-name prefix for dotted
    queries, full-text word prefixes (dotted components, camelCase words, multi-word
    queries). When that finds no name starting with the query (the name tiers are weak):
    the phrase stage, full-text matches of the query's content words over name words and
    summaries ("read file" -> ``open``, ``pathlib.Path.read_text``), and for a one-word
    query that still found few, name substring (on databases small enough to scan) and
    first-letter subsequence ("odict" -> OrderedDict), ranking after the name matches.
    """
    words = query_words(query)
    if not words or limit <= 0:
        return []
    text = " ".join(words)
    pool = _Pool()
    first = _name_parts(words)
    await _gather(scopes, lambda scope: first if scope.db.may_match(words[-1]) else {}, pool)
    ranked = rank_search(text, pool.all(), limit)
    best = match_tier(text, ranked[0].qualname, ranked[0].name) if ranked else None
    if best is not None and best <= Tier.NAME_PREFIX:
        return await _briefs(scopes, ranked)
    content = content_words(words)
    phrase = phrase_query(content) if len(content) > 1 else None
    if phrase is not None:
        await _gather(scopes, lambda scope: {"text": {"text_match": phrase}}, pool, scored=True)
        ranked = rank_search(text, pool.all(), limit)
    last = words[-1]
    if len(ranked) < min(limit, FALLBACK_BELOW) and len(words) == 1 and len(last) >= 2:
        await _gather(scopes, _fallback_parts(last, scopes), pool)
        ranked = rank_search(text, pool.all(), limit)
    return await _briefs(scopes, ranked)
