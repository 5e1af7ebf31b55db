"""What a database can answer, known without asking it: the first components of its names
and the words of its name index, read once when a copy is loaded.

With a dozen databases served, most cannot have the name a hover or a search asks about;
asking each anyway costs a round trip to its lane (~50-100 us of thread hand-offs) per
query. These checks only ever say "cannot": a database they do not rule out is asked.
"""

from __future__ import annotations

import bisect
import sqlite3
from dataclasses import dataclass

from docs_daemon.store import statements
from docs_daemon.store.ranking import fts_tokens


@dataclass(frozen=True, slots=True)
class Vocabulary:
    #: Every first dotted component of a qualified name or alias (``json``, ``len``).
    heads: frozenset[str]
    #: Every term of the name index (names and their words, folded as FTS5 folds them),
    #: sorted.
    terms: tuple[str, ...]

    def may_have(self, qualname: str) -> bool:
        """False when no name or alias starts with ``qualname``'s first component."""
        return qualname.partition(".")[0] in self.heads

    def may_match(self, word: str) -> bool:
        """False when no name can start with ``word`` (any case) and no word of a name can
        start with it: some token of ``word`` starts no term of the index. Words beyond
        ASCII are never ruled out (FTS5 folds their diacritics; this does not)."""
        tokens = fts_tokens(word)
        if not tokens or not word.isascii():
            return True
        return all(self._starts_a_term(token.lower()) for token in tokens)

    def _starts_a_term(self, prefix: str) -> bool:
        index = bisect.bisect_left(self.terms, prefix)
        return index < len(self.terms) and self.terms[index].startswith(prefix)


def read_vocabulary(connection: sqlite3.Connection) -> Vocabulary:
    """Read a verified copy's vocabulary (~5 ms for the stdlib); needs a writable temporary
    schema for the FTS5 vocabulary table, so it runs before the connection is made
    read-only."""
    heads = statements.HEADS
    head_rows = heads.rows(connection.execute(heads.sql, heads.defaults))
    connection.execute(statements.VOCABULARY_OPEN)
    try:
        terms = sorted(row[0] for row in connection.execute(statements.VOCABULARY_TERMS))
    finally:
        connection.execute(statements.VOCABULARY_CLOSE)
    return Vocabulary(frozenset(row.head for row in head_rows), tuple(terms))
