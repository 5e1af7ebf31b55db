"""How names match a query and in what order results come: pure functions, no SQL.

The store fetches a small, capped set of candidates with indexed queries; everything here
decides which of them match and how they rank, so it can be tested without a database.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from docs_daemon.schema import Kind
from docs_daemon.store.models import EntryBrief

#: A character sorting after every character SQLite can store as UTF-8 text: the upper bound
#: of a prefix range (``qualname >= 'os.pa' AND qualname < 'os.pa' + MAX_CHAR``).
MAX_CHAR = "\U0010ffff"

_LIKE_SPECIAL = re.compile(r"([\\%_])")
#: What FTS5's unicode61 tokenizer keeps as a token: runs of letters and digits.
_TOKEN = re.compile(r"[^\W_]+")

_QUERY_WORD = re.compile(r"[\w.]+")

T = TypeVar("T", bound=EntryBrief)


class Tier(enum.IntEnum):
    """How well an entry matches a query; lower is better (the order of ``search``)."""

    EXACT = 0
    EXACT_ANY_CASE = 1
    NAME_PREFIX = 2
    #: Every content word of a phrase ("read file") is in the entry's name words or summary:
    #: what a person describing a function means, more than a name that merely has the words
    #: as parts (``stat.FILE_ATTRIBUTE_READONLY``).
    PHRASE = 3
    COMPONENT_PREFIX = 4
    SUBSTRING = 5
    FUZZY = 6


@dataclass(frozen=True, slots=True)
class Candidate:
    """A search candidate: only what ranking needs, so wide columns are read for winners only."""

    #: The entry's row id in its database.
    ident: int
    qualname: str
    name: str
    kind: str
    priority: int
    #: Index of the database in the store's precedence order (0 wins ties).
    precedence: int
    #: Full-text relevance of a phrase match (bm25, lower is better); None when the entry
    #: was found by name only.
    score: float | None = None


def query_words(query: str) -> list[str]:
    """The words of a search query: runs of name characters (letters, digits, ``_``, ``.``);
    everything else separates words, so ``json.dumps(``, ``"dumps"`` or ``name:dumps`` search
    for names, never for syntax."""
    return _QUERY_WORD.findall(query)


def like_escape(text: str) -> str:
    r"""Escape ``\``, ``%`` and ``_`` for a ``LIKE ... ESCAPE '\'`` pattern."""
    return _LIKE_SPECIAL.sub(r"\\\1", text)


def prefix_range(prefix: str) -> tuple[str, str]:
    """The half-open text range holding every string that starts with ``prefix``."""
    return prefix, prefix + MAX_CHAR


def subsequence_pattern(query: str) -> str:
    """A LIKE pattern matching names that contain the query's characters in order, starting
    with its first one ("odict" -> "o%d%i%c%t%"), so an index range on the first letter
    bounds the scan."""
    return "%".join(like_escape(char) for char in query) + "%"


def fts_tokens(text: str) -> list[str]:
    """The tokens FTS5 would see in ``text``; punctuation and FTS syntax are dropped."""
    return _TOKEN.findall(text)


def fts_query(words: Iterable[str], min_length: int = 2) -> str | None:
    """An FTS5 MATCH expression: every word's tokens as one quoted prefix phrase, ANDed.

    User text never reaches FTS5 as syntax: only letter/digit runs are kept and each phrase
    is double-quoted, so ``"``, ``*``, ``AND``, ``NEAR(``, ``-`` and ``:`` are plain words.
    Phrases shorter than ``min_length`` are left out: a one-letter prefix has no prefix index
    and would merge the doclists of every term starting with it. Returns None when nothing
    is left to search for.
    """
    phrases = []
    for word in words:
        tokens = fts_tokens(word)
        if not tokens or len("".join(tokens)) < min_length:
            continue
        phrase = " ".join(tokens).replace('"', '""')
        phrases.append(f'"{phrase}"*')
    return " ".join(phrases) if phrases else None


#: Words a person puts around what they look for ("how do I read a file"): left out of
#: phrase searches. Kept short: every word here can never be searched for in summaries.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "i",
    "in", "into", "is", "it", "my", "of", "on", "or", "the", "to", "what", "with",
})  # fmt: skip


def content_words(words: Iterable[str]) -> list[str]:
    """The words of a phrase worth matching in summaries: dotted names split into their
    tokens, stop words and one-letter words left out, each word once."""
    kept: dict[str, None] = {}
    for word in words:
        for token in fts_tokens(word):
            if len(token) > 1 and token.lower() not in STOP_WORDS:
                kept.setdefault(token.lower(), None)
    return list(kept)


def phrase_query(words: Sequence[str], prefix_min: int = 3) -> str | None:
    """An FTS5 MATCH expression for the text index: every content word, quoted (so user text
    is never syntax), ANDed; the last one also as a prefix when it is at least
    ``prefix_min`` long, since it may still be being typed ("read fi")."""
    if not words:
        return None
    phrases = [f'"{word}"' for word in words]
    if len(words[-1]) >= prefix_min:
        phrases[-1] += "*"
    return " ".join(phrases)


def is_subsequence(needle: str, haystack: str) -> bool:
    """Whether ``needle``'s characters appear in ``haystack`` in order."""
    remaining = iter(haystack)
    return all(char in remaining for char in needle)


#: Where a word of a qualified name starts: at the beginning, after ``.``, ``_`` or a space,
#: at a camelCase hump, at the last capital of an acronym ("HTTP|Server") or at digits.
_WORD_START = (
    r"(?:^|(?<=[._\s])|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d))"
)
#: Where a word of a qualified name ends: at the end, before ``.``, ``_`` or a space, or
#: where the next word starts.
_WORD_END = r"(?:$|(?=[._\s])|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d))"


@functools.lru_cache(maxsize=1024)
def _starts_a_word(word: str) -> re.Pattern[str]:
    """A pattern finding ``word`` (any case) at the start of a word of a qualified name (the
    words the full-text index holds: dotted components, ``_`` parts, camelCase words),
    without splitting every candidate's name on each keystroke."""
    return re.compile(_WORD_START + "(?i:" + re.escape(word) + ")")


def _starts_word_in(word: str, qualname: str) -> bool:
    return _starts_a_word(word.lower()).search(qualname) is not None


@functools.lru_cache(maxsize=1024)
def _is_a_word(word: str) -> re.Pattern[str]:
    return re.compile(_WORD_START + "(?i:" + re.escape(word) + ")" + _WORD_END)


def _whole_word_in(word: str, qualname: str) -> bool:
    """Whether ``word`` (any case) is a whole word of ``qualname``: "path" of
    ``os.path.join``, "ordered" of ``OrderedDict``, but not "read" of ``READONLY``."""
    return _is_a_word(word.lower()).search(qualname) is not None


def _dotted_tail_tier(folded: str, qualname: str, name: str) -> Tier | None:
    """A dotted query that is the end of a qualified name, as people shorten them:
    ``path.join`` is ``os.path.join`` (any case), ``path.joi`` starts it."""
    if qualname.endswith("." + folded):
        return Tier.EXACT_ANY_CASE
    owner, _, last = folded.rpartition(".")
    parent = qualname[: -len(name) - 1] if qualname.endswith("." + name) else ""
    if last and name.startswith(last) and (parent == owner or parent.endswith("." + owner)):
        return Tier.NAME_PREFIX
    return None


def _single_word_tier(word: str, qualname: str, name: str) -> Tier | None:
    folded, name_folded = word.lower(), name.lower()
    if word in (name, qualname):
        return Tier.EXACT
    if folded in (name_folded, qualname.lower()):
        return Tier.EXACT_ANY_CASE
    if "." in folded:
        tier = _dotted_tail_tier(folded, qualname.lower(), name_folded)
        if tier is not None:
            return tier
    if name_folded.startswith(folded) or ("." in folded and qualname.lower().startswith(folded)):
        return Tier.NAME_PREFIX
    if qualname.lower().startswith(folded) or _starts_word_in(folded, qualname):
        return Tier.COMPONENT_PREFIX
    if folded in name_folded or ("." in folded and folded in qualname.lower()):
        return Tier.SUBSTRING
    if folded[:1] == name_folded[:1] and is_subsequence(folded, name_folded):
        return Tier.FUZZY
    return None


def match_tier(query: str, qualname: str, name: str) -> Tier | None:
    """How ``name`` (the last component of ``qualname``) matches ``query``, or None.

    A multi-word query ("path join") ranks by how its last word matches the name, provided
    every other word is a whole component or word of the qualified name; otherwise, if every
    word starts some component or word ("read file" and ``FILE_ATTRIBUTE_READONLY``), it
    is a component-prefix match.
    """
    words = query.split()
    if not words:
        return None
    if len(words) == 1:
        return _single_word_tier(words[0], qualname, name)
    if not all(_starts_word_in(word, qualname) for word in words[:-1]):
        return None
    last = _single_word_tier(words[-1], qualname, name)
    whole = all(_whole_word_in(word, qualname) for word in words[:-1])
    if last is not None and last <= Tier.NAME_PREFIX and whole:
        return last
    if _starts_word_in(words[-1], qualname):
        return Tier.COMPONENT_PREFIX
    return None


def _depth(qualname: str) -> int:
    return qualname.count(".")


#: Among equally good matches, the kinds people search for first.
_KIND_ORDER = {
    Kind.MODULE: 0,
    Kind.CLASS: 0,
    Kind.FUNCTION: 0,
    Kind.EXCEPTION: 1,
    Kind.KEYWORD: 1,
    Kind.DECORATOR: 1,
    Kind.METHOD: 2,
    Kind.CLASSMETHOD: 2,
    Kind.STATICMETHOD: 2,
    Kind.PROPERTY: 3,
    Kind.ATTRIBUTE: 3,
    Kind.DATA: 3,
}


#: Among phrase matches, how much one unit of bm25 relevance weighs against ``priority``
#: (100 per level of nesting; bm25 scores of good matches run from -5 to -15), and how far
#: a module drops: its summary is a page's introduction, mentioning many words. Chosen on
#: realistic phrases (tests/store/test_queries.py), not on any one of them.
_RELEVANCE_PER_BM25 = 20
_MODULE_PHRASE_PENALTY = 100


def candidate_tier(query: str, candidate: Candidate) -> Tier | None:
    """The best way ``candidate`` matches: by its name, or as a phrase when the text index
    found it (only phrases of two or more content words are looked for there)."""
    tier = match_tier(query, candidate.qualname, candidate.name)
    if candidate.score is None:
        return tier
    return Tier.PHRASE if tier is None else min(tier, Tier.PHRASE)


def rank_search(query: str, candidates: Iterable[Candidate], limit: int) -> list[Candidate]:
    """Order matching candidates: tier, then priority (phrase matches: relevance and
    priority), database precedence, kind, shallower and shorter names; one result per
    qualified name (the highest-precedence one)."""
    ranked: list[tuple[tuple[int, float, int, int, int, int, str], Candidate]] = []
    for candidate in candidates:
        tier = candidate_tier(query, candidate)
        if tier is None:
            continue
        weight: float = -candidate.priority
        if tier is Tier.PHRASE and candidate.score is not None:
            weight += candidate.score * _RELEVANCE_PER_BM25
            if candidate.kind == Kind.MODULE.value:
                weight += _MODULE_PHRASE_PENALTY
        key = (
            tier,
            weight,
            candidate.precedence,
            _KIND_ORDER.get(candidate.kind, 4),  # type: ignore[call-overload]
            _depth(candidate.qualname),
            len(candidate.qualname),
            candidate.qualname,
        )
        ranked.append((key, candidate))
    ranked.sort(key=lambda item: item[0])
    seen: set[str] = set()
    result: list[Candidate] = []
    for _, candidate in ranked:
        if candidate.qualname not in seen:
            seen.add(candidate.qualname)
            result.append(candidate)
            if len(result) >= limit:
                break
    return result


def _first_per_qualname(entries: Iterable[T], limit: int) -> list[T]:
    seen: set[str] = set()
    result: list[T] = []
    for entry in entries:
        if entry.qualname in seen:
            continue
        seen.add(entry.qualname)
        result.append(entry)
        if len(result) >= limit:
            break
    return result


def _owner(entry: EntryBrief) -> str:
    """The enclosing module or class, read from the qualified name itself (a docset's
    ``parent`` column may name the module where the class is meant)."""
    return entry.qualname.rpartition(".")[0] if entry.kind is not Kind.KEYWORD else ""


def _context_score(entry: EntryBrief, context: Sequence[str]) -> int:
    """0 when the entry's owner is named by the context (fully or by its last component),
    1 otherwise: ``resolve("split", ("str",))`` puts ``str.split`` first."""
    owner = _owner(entry)
    for hint in context:
        if hint and (owner == hint or owner.endswith("." + hint)):
            return 0
    return 1


def _builtin_score(entry: EntryBrief) -> int:
    """0 for builtins (no module) and members of builtin types, whose short names are the
    ones unqualified code most often means (``x.split`` is more likely ``str.split``)."""
    owner = _owner(entry)
    if not owner:
        return 0
    if "." not in owner and entry.kind in {Kind.METHOD, Kind.ATTRIBUTE, Kind.PROPERTY}:
        return 0
    return 1


#: ``rank_resolve``'s precedence for databases nobody configured: after every configured one.
UNCONFIGURED = 1 << 30


def rank_resolve(
    name: str,
    context: Sequence[str],
    candidates: Iterable[tuple[T, int, int, int]],
    limit: int,
) -> list[T]:
    """Order entries found for a short or partial ``name``; candidates are
    ``(entry, priority, precedence, configured)``, ``configured`` being the precedence of a
    database the user configured (``--db``, the ``databases`` setting) and ``UNCONFIGURED``
    otherwise. Context parents first, then exact case, the configured databases in their
    order (what the user asked for comes first), builtins (unqualified code most often means
    them), priority, precedence, shallower and shorter names."""
    suffix = "." + name

    def key(item: tuple[T, int, int, int]) -> tuple[int, int, int, int, int, int, int, int, str]:
        entry, priority, precedence, configured = item
        exact = 0 if entry.qualname == name or entry.qualname.endswith(suffix) else 1
        return (
            _context_score(entry, context),
            exact,
            configured,
            _builtin_score(entry),
            -priority,
            precedence,
            _depth(entry.qualname),
            len(entry.qualname),
            entry.qualname,
        )

    ordered = sorted(candidates, key=key)
    return _first_per_qualname((entry for entry, _, _, _ in ordered), limit)
