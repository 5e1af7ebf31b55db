"""The store's queries over the served databases, in precedence order, as typed results.

Every function takes the *scopes* of one query: the databases pinned for it, in precedence
order, each with the docsets it may answer from. SQL runs through pre-compiled statements
(``statements``); which results match and how they rank is decided in ``ranking``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from docs_daemon.schema import Kind
from docs_daemon.store import statements
from docs_daemon.store.database import LoadedDatabase, Row
from docs_daemon.store.models import DocsetInfo, Entry, EntryBrief
from docs_daemon.store.ranking import (
    Candidate,
    Tier,
    fts_query,
    like_escape,
    match_tier,
    prefix_range,
    query_words,
    rank_resolve,
    rank_search,
    subsequence_pattern,
)

#: Candidates fetched per search stage and database: enough to rank well, small enough that
#: even a one-letter query on a 50x database does bounded work...
SEARCH_CAP = 200
#: ...and across databases: with many loaded, each gets its share of this budget (but at
#: least ``SEARCH_CAP_MIN``), so ranking never weighs more than a few hundred candidates.
SEARCH_BUDGET = 400
SEARCH_CAP_MIN = 40
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


async def _on_each(scopes: Sequence[Scope], run: Callable[[Scope], Awaitable[T]]) -> list[T]:
    """``run`` on every scope at once, results in scope order: each database has its own
    lanes and threads, so a query over ten docsets waits about as long as its slowest
    database instead of the sum of all of them."""
    if len(scopes) == 1:
        return [await run(scopes[0])]
    return list(await asyncio.gather(*(run(scope) for scope in scopes)))


@dataclass(frozen=True, slots=True)
class Scope:
    """One database as seen by one query: its precedence and the docsets it may answer."""

    db: LoadedDatabase
    precedence: int
    #: Docset ids this query may return; None means all of the database's docsets.
    allowed: frozenset[int] | None

    @property
    def docsets_json(self) -> str:
        return json.dumps(sorted(self.allowed or ()))

    def allows(self, docset_id: int) -> bool:
        return self.allowed is None or docset_id in self.allowed

    def statement(self, variants: statements.Variants, **params: Any) -> tuple[str, dict[str, Any]]:
        """The variant of a query for this scope's docset filter, with its parameters."""
        if self.allowed is None:
            return variants.all_docsets.sql, variants.all_docsets.bind(**params)
        compiled = variants.some_docsets
        return compiled.sql, compiled.bind(docsets=self.docsets_json, **params)


#: ``Kind(value)`` goes through the enum machinery (~0.5 us); completion lists convert
#: hundreds of rows per keystroke.
_KINDS = {kind.value: kind for kind in Kind}


_BriefFields = tuple[str, str, str, Kind, "str | None", str, str, str]


def _brief_fields(row: Row) -> _BriefFields:
    """The leading columns shared by ``BRIEF_COLUMNS`` and ``ENTRY_COLUMNS``, in field order."""
    kind = _KINDS.get(row[3]) or Kind(row[3])
    return ("", row[1], row[2], kind, row[4], row[5], row[6], row[7])


def brief_from_row(row: Row, docsets: Mapping[int, DocsetInfo]) -> EntryBrief:
    """An :class:`EntryBrief` from a row of ``statements.BRIEF_COLUMNS``."""
    docset = docsets.get(row[0])
    if docset is None:
        return EntryBrief(*_brief_fields(row))
    return EntryBrief(docset.name, *_brief_fields(row)[1:], origin=docset.origin)


def entry_from_row(row: Row, docsets: Mapping[int, DocsetInfo]) -> Entry:
    """An :class:`Entry` from a row of ``statements.ENTRY_COLUMNS``."""
    docset = docsets.get(row[0])
    if docset is None:
        return Entry(*_brief_fields(row), body=row[9])
    return Entry(docset.name, *_brief_fields(row)[1:], body=row[9], origin=docset.origin)


def _asked_name(row: Row) -> str:
    """The name a ``LOOKUP``/``LOOKUP_MANY`` row answers: the alias it was reached through,
    or the entry's own qualified name."""
    asked: str = row[10] if row[10] is not None else row[1]
    return asked


def _best_rows(scope: Scope, rows: Iterable[Row]) -> dict[str, tuple[bool, Row]]:
    """Per name asked, the row this scope answers with: an exact entry before an alias,
    then the lowest docset id; the flag says whether it came through an alias."""
    best: dict[str, tuple[bool, Row]] = {}
    for row in rows:
        if not scope.allows(row[0]):
            continue
        name, via_alias = _asked_name(row), row[10] is not None
        current = best.get(name)
        if current is None or (via_alias, row[0]) < (current[0], current[1][0]):
            best[name] = (via_alias, row)
    return best


async def lookup(scopes: Sequence[Scope], qualname: str) -> Entry | None:
    """The entry named exactly ``qualname`` from the first database and docset that has it;
    failing that anywhere, the documented entry this name is an alias of."""
    found = await lookup_many(scopes, [qualname])
    return found[0] if found else None


async def lookup_many(scopes: Sequence[Scope], qualnames: Sequence[str]) -> list[Entry]:
    """Entries for ``qualnames`` in the given order; names found nowhere are left out. An
    entry with the name in any database wins over an alias in a database before it."""
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
            compiled, params = statements.LOOKUP, {"qualname": missing[0]}
        else:
            compiled = statements.LOOKUP_MANY
            params = compiled.bind(qualnames=json.dumps(missing))
        rows = await scope.db.fetch(compiled.sql, params)
        for name, (is_alias, row) in _best_rows(scope, rows).items():
            if not is_alias:
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
        rows = await scope.db.fetch(statements.LOOKUP_NOCASE.sql, params)
        allowed = [row for row in rows if scope.allows(row[0])]
        if allowed:
            best = min(allowed, key=lambda row: (-row[8], row[0], row[1]))
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
    pattern = like_escape(last) + "%"

    async def stage(scope: Scope, exact: bool) -> list[tuple[Entry, int, int]]:
        if exact:
            sql, params = scope.statement(statements.RESOLVE_NAME, name=last, cap=RESOLVE_CAP)
        else:
            sql, params = scope.statement(statements.RESOLVE_LIKE, pat=pattern, cap=RESOLVE_CAP)
        return [
            (entry_from_row(row, scope.db.docsets_by_id), row[8], scope.precedence)
            for row in await scope.db.fetch(sql, params)
            if scope.allows(row[0]) and _fits_head(row[1], row[2], head_or_none)
        ]

    candidates: list[tuple[Entry, int, int]] = []
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
    pattern = like_escape(prefix) + "%"
    found: dict[str, tuple[EntryBrief, int]] = {}
    for scope in scopes:
        if not scope.db.may_have(parent):
            continue
        sql, params = scope.statement(statements.MEMBERS, parent=parent, pat=pattern, cap=limit)
        best: dict[str, Row] = {}
        for row in await scope.db.fetch(sql, params):
            if row[2] not in found and (row[2] not in best or row[0] < best[row[2]][0]):
                best[row[2]] = row
        for name, row in best.items():
            found[name] = (brief_from_row(row, scope.db.docsets_by_id), scope.precedence)
    ordered = sorted(found.values(), key=lambda item: (item[0].name.lower(), item[0].name))
    return [entry for entry, _ in ordered[:limit]]


async def modules(scopes: Sequence[Scope], prefix: str, limit: int) -> list[EntryBrief]:
    """Modules whose qualified name starts with ``prefix``, in name order."""
    low, high = prefix_range(prefix)
    found: dict[str, EntryBrief] = {}
    for scope in scopes:
        sql, params = scope.statement(statements.MODULES, low=low, high=high, cap=limit)
        for row in await scope.db.fetch(sql, params):
            found.setdefault(row[1], brief_from_row(row, scope.db.docsets_by_id))
    return [found[name] for name in sorted(found)[:limit]]


async def _candidates(
    scope: Scope, parts: dict[str, dict[str, Any]], seen: set[int], cap: int
) -> list[Candidate]:
    """Capped search candidates of several kinds (``statements.SEARCH_PARTS``, with their
    parameters) from one database in one query, leaving out ids already seen."""
    if not parts:
        return []
    params: dict[str, Any] = {"cap": cap}
    for part_params in parts.values():
        params.update(part_params)
    sql, bound = scope.statement(statements.search_candidates(tuple(parts)), **params)
    found = []
    for ident, qualname, name, kind, priority in await scope.db.fetch_for_search(sql, bound):
        if ident not in seen:
            seen.add(ident)
            found.append(Candidate(ident, qualname, name, kind, priority, scope.precedence))
    return found


def _scannable(scopes: Sequence[Scope]) -> set[int]:
    """The databases (by precedence) whose names a substring search may scan: the first
    ones, while together they hold at most ``SUBSTRING_MAX_ENTRIES``."""
    total, chosen = 0, set()
    for scope in scopes:
        total += scope.db.entry_count
        if total > SUBSTRING_MAX_ENTRIES:
            break
        chosen.add(scope.precedence)
    return chosen


async def _gather_candidates(
    scopes: Sequence[Scope],
    parts: Callable[[Scope], dict[str, dict[str, Any]]],
    seen: dict[int, set[int]],
) -> list[Candidate]:
    """``_candidates`` from every database at once, in precedence order."""
    cap = min(SEARCH_CAP, max(SEARCH_CAP_MIN, SEARCH_BUDGET // max(1, len(scopes))))
    found = await _on_each(
        scopes, lambda scope: _candidates(scope, parts(scope), seen[scope.precedence], cap)
    )
    return [candidate for per_scope in found for candidate in per_scope]


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
            ((scope.precedence, row[9]), brief_from_row(row, scope.db.docsets_by_id))
            for row in await scope.db.fetch(statements.BRIEFS_BY_ID.sql, params)
        ]

    found = dict(pair for pairs in await _on_each(scopes, briefs) for pair in pairs)
    keys = ((candidate.precedence, candidate.ident) for candidate in winners)
    return [found[key] for key in keys if key in found]


async def search(scopes: Sequence[Scope], query: str, limit: int) -> list[EntryBrief]:
    """Ranked symbol search with bounded work: per database one query running a few capped,
    indexed candidate searches and returning narrow rows, ranking in Python over at most a
    few hundred candidates, then one query for the winners' briefs.

    First: name prefix (which also finds exact names), qualified-name prefix for dotted
    queries, full-text word prefixes (dotted components, camelCase words, multi-word
    queries). Only when that finds fewer than ``FALLBACK_BELOW`` matches and no name
    starting with the query (the user has not typed a real name): name substring (on
    databases small enough to scan) and first-letter subsequence ("odict" ->
    OrderedDict), whose matches would rank after all of the first kinds anyway.
    """
    words = query_words(query)
    if not words or limit <= 0:
        return []
    text = " ".join(words)
    last = words[-1]
    match = fts_query(words)
    first: dict[str, dict[str, Any]] = {"name": {"name_pat": like_escape(last) + "%"}}
    if len(words) == 1 and "." in last:
        low, high = prefix_range(last)
        first["qualname"] = {"low": low, "high": high}
    if match is not None:
        first["words"] = {"match": match}
    seen: dict[int, set[int]] = {scope.precedence: set() for scope in scopes}
    candidates = await _gather_candidates(scopes, lambda scope: first, seen)
    ranked = rank_search(text, candidates, limit)
    best = match_tier(text, ranked[0].qualname, ranked[0].name) if ranked else None
    has_name_match = best is not None and best <= Tier.NAME_PREFIX
    scarce = len(ranked) < min(limit, FALLBACK_BELOW) and not has_name_match
    if scarce and len(words) == 1 and len(last) >= 2:
        scanned = _scannable(scopes) if len(last) >= SUBSTRING_MIN_LENGTH else set()

        def fallback(scope: Scope) -> dict[str, dict[str, Any]]:
            parts: dict[str, dict[str, Any]] = {}
            if scope.precedence in scanned:
                parts["substring"] = {"substring_pat": "%" + like_escape(last) + "%"}
            parts["fuzzy"] = {"fuzzy_pat": subsequence_pattern(last)}
            return parts

        candidates += await _gather_candidates(scopes, fallback, seen)
        ranked = rank_search(text, candidates, limit)
    return await _briefs(scopes, ranked)
