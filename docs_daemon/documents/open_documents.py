"""The client's open documents, in the order the client sent its notifications.

Notifications are applied as they are read, before the next message is looked at; a request
keeps the documents as they were when it was read, however much later its handler runs
(pygls starts a coroutine handler only after the reader has moved on, possibly past more
changes). The mapping is replaced on every change, never mutated, so keeping it is free.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import Context, ContextVar, copy_context

from lsprotocol import types

from docs_daemon.documents.snapshot import Snapshot
from docs_daemon.documents.units import Encoding

log = logging.getLogger(__name__)

#: The documents (and whose) as they were when the current request was read.
_AT_DISPATCH: ContextVar[tuple[OpenDocuments, Mapping[str, Snapshot]] | None] = ContextVar(
    "documents_at_dispatch", default=None
)


def detached_context() -> Context:
    """A copy of the current context without a request's documents, for a task that outlives
    the request (it must neither keep those documents alive nor read them)."""
    context = copy_context()
    context.run(_AT_DISPATCH.set, None)
    return context


class OpenDocuments:
    """Snapshots of the open documents by URI, with a revision counter of the server's own."""

    def __init__(self) -> None:
        self._documents: Mapping[str, Snapshot] = {}
        self._revisions = itertools.count(1)
        #: Position units agreed in ``initialize``.
        self.encoding: Encoding = "utf-16"
        #: Called with each new version of a document (as it is read from the stream): keep
        #: them cheap, they run before the next message is looked at.
        self.listeners: list[Callable[[Snapshot], None]] = []

    def get(self, uri: str) -> Snapshot | None:
        """The document as the current request found it (the latest outside a request)."""
        captured = _AT_DISPATCH.get()
        if captured is not None and captured[0] is self:
            return captured[1].get(uri)
        return self._documents.get(uri)

    @contextmanager
    def captured(self) -> Iterator[None]:
        """Within this block, requests dispatched (and the tasks they start) see the
        documents as they are now."""
        token = _AT_DISPATCH.set((self, self._documents))
        try:
            yield
        finally:
            _AT_DISPATCH.reset(token)

    def open(self, uri: str, version: int | None, text: str) -> Snapshot:
        snapshot = Snapshot(uri, version, next(self._revisions), self.encoding, text=text)
        self._publish(uri, snapshot)
        return snapshot

    def change(
        self,
        uri: str,
        version: int | None,
        changes: Iterable[types.TextDocumentContentChangeEvent],
    ) -> Snapshot | None:
        current = self._documents.get(uri)
        if current is None:
            log.warning("ignoring a change to %s, which is not open", uri)
            return None
        snapshot = current.edited(changes, version, next(self._revisions))
        self._publish(uri, snapshot)
        return snapshot

    def close(self, uri: str) -> None:
        if uri in self._documents:
            self._documents = {k: v for k, v in self._documents.items() if k != uri}

    def _publish(self, uri: str, snapshot: Snapshot) -> None:
        self._documents = {**self._documents, uri: snapshot}
        for listener in self.listeners:
            try:
                listener(snapshot)
            except Exception:
                log.exception("a document listener failed on %s", uri)

    def latest(self) -> list[Snapshot]:
        """Every open document at its newest version (outside any request's view)."""
        return list(self._documents.values())
