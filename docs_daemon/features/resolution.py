"""From what the cursor is on to the documented entry: the text's answer, else inference's.

Hover, signature help, completion and "open in browser" all go through here, so they agree on
what a name is. The order: names the text proves (``python_source``); then, where the text
cannot tell, type inference (``docs_daemon.inference``), whose documented names are looked
up in the store; a hedged list of candidates only for a member whose receiver inference
could not type at all, listing only members of builtin types (an untyped ``line.strip`` is
most likely ``str.strip``) — never for a receiver known to be the user's own or a library's
object, and never another module's namesake.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from docs_daemon.inference import Answer, InferenceClient, Source
from docs_daemon.python_source.expressions import InferAt

if TYPE_CHECKING:
    from docs_daemon.documents import Snapshot
    from docs_daemon.features.documents import Cursor
    from docs_daemon.store import DocStore
    from docs_daemon.store.models import Entry

_NAME_BEFORE = re.compile(r"[^\W\d]\w*$")
#: How many candidates a hedged hover lists.
HEDGE_CANDIDATES = 3
#: Classes whose members a hedged list may offer: the builtin types everybody's untyped
#: values mostly are (``line.strip`` on an untyped ``line``).
HEDGE_HOMES = frozenset(
    name for name in dir(builtins) if isinstance(getattr(builtins, name), type)
) - frozenset(name for name in dir(builtins) if name.endswith(("Error", "Exception", "Warning")))


@dataclass(frozen=True, slots=True)
class Resolved:
    """The entry the cursor's expression is documented as, or a hedged list, or neither."""

    entry: Entry | None = None
    hedged: tuple[Entry, ...] = ()


def source_of(cursor: Cursor) -> Source:
    """The document as the inference worker needs it: text, revision key and file path."""
    return source_of_snapshot(cursor.document)


def source_of_snapshot(document: Snapshot) -> Source:
    path = None
    parsed = urlparse(document.uri)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
    return Source(document.uri, str(document.revision), document.text, path)


async def infer_name(
    inference: InferenceClient | None, cursor: Cursor, infer: InferAt
) -> Answer | None:
    if inference is None:
        return None
    return await inference.name_at(
        source_of(cursor), infer.line, infer.column, infer.receiver, infer.member
    )


async def resolve_entry(
    store: DocStore,
    inference: InferenceClient | None,
    cursor: Cursor,
    candidates: Sequence[str],
    infer: InferAt | None,
    member: str | None,
    fallback: InferAt | None = None,
) -> Resolved:
    """The documented entry for a target (or call): see the module docstring for the order."""
    if candidates:
        found = await store.lookup_many(list(candidates))
        if found:
            return Resolved(found[0])
        infer = infer or fallback
    hedge = member is not None
    if infer is not None:
        answer = await infer_name(inference, cursor, infer)
        if answer is not None:
            resolved = await _inferred_entry(store, answer)
            if resolved is not None and not _namesake(resolved, infer, cursor):
                return resolved
            hedge = hedge and answer.origin == "unknown"
    if not hedge or member is None:
        return Resolved()
    offered = await store.resolve(member, limit=2 * HEDGE_CANDIDATES)
    plausible = tuple(entry for entry in offered if entry.parent in HEDGE_HOMES)
    return Resolved(hedged=plausible[:HEDGE_CANDIDATES])


def _namesake(resolved: Resolved, infer: InferAt, cursor: Cursor) -> bool:
    """A standard-library object named like a bare name the document binds itself: the
    binding wins (see ``InferAt.shadowed``)."""
    if not infer.shadowed or resolved.entry is None:
        return False
    line = cursor.lines[infer.line] if infer.line < len(cursor.lines) else ""
    match = _NAME_BEFORE.search(line[: infer.column])
    name = match.group() if match else ""
    entry = resolved.entry
    return entry.docset == "python" and entry.qualname.rpartition(".")[2] == name


async def _inferred_entry(store: DocStore, answer: Answer) -> Resolved | None:
    """One documented object: the entry. Several (``str | bytes``): all of them, hedged,
    as inference cannot tell which. None documented: the receiver's classes, in order."""
    entries: list[Entry] = []
    for group in answer.groups:
        found = await store.lookup_many(list(group))
        entry = found[0] if found else await _through_owner(store, group)
        if entry is not None and all(entry.qualname != e.qualname for e in entries):
            entries.append(entry)
    if len(entries) == 1:
        return Resolved(entries[0])
    if entries:
        return Resolved(hedged=tuple(entries[:HEDGE_CANDIDATES]))
    if answer.fallback:
        found = await store.lookup_many(list(answer.fallback))
        if found:
            return Resolved(found[0])
    return None


async def _through_owner(store: DocStore, spellings: Sequence[str]) -> Entry | None:
    """A member of a class the docs know by another name (``jinja2.environment.Template``
    is documented as ``jinja2.Template``)."""
    for spelling in spellings:
        entry = await store.lookup_through_owner(spelling)
        if entry is not None:
            return entry
    return None


async def receiver_classes(
    inference: InferenceClient | None, cursor: Cursor, infer: InferAt
) -> Answer | None:
    """The documented names of the receiver's classes (for completion after ``x.``)."""
    if inference is None:
        return None
    return await inference.classes_at(source_of(cursor), infer.line, infer.column)
