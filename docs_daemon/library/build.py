"""Running the (synchronous, CPU-bound) builder off the event loop, and vetting what it made.

The build runs in a worker thread so a server stays responsive; its progress comes back to
the event loop as :class:`ProgressEvent` calls, and cancelling the awaiting task stops the
build at its next page. Docsets built from fetched pages are vetted: an entry whose name is
not a dotted Python name, whose link leaves the docs root, or that found no text on its page
(the inventory lied about a page or anchor) is dropped rather than shown.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote

from docs_daemon.builder.markdown import safe_url
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.builder.sources import DocFiles, find_shallowest
from docs_daemon.library.progress import ProgressCallback, ProgressEvent
from docs_daemon.schema import Kind

#: A dotted Python name (Unicode identifiers allowed); keywords are checked separately.
_DOTTED_NAME = re.compile(r"^[^\W\d]\w*(?:\.[^\W\d]\w*)*$")
_ID_ATTRIBUTE = re.compile(rb"""\sid\s*=\s*["']?([^"'\s>]+)""")
T = TypeVar("T")

#: Progress events from a build at most this often (a page is ~10 ms of work).
_EVENT_INTERVAL = 0.1


class BuildCancelledError(Exception):
    """Raised inside the build thread once the task awaiting it is cancelled."""


class _EventProgress(Progress):
    """The builder's progress interface, turned into events on the event loop."""

    def __init__(
        self, name: str, emit: Callable[[ProgressEvent], None], cancelled: threading.Event
    ) -> None:
        super().__init__(quiet=True)
        self._name = name
        self._emit = emit
        self._cancelled = cancelled
        self._stage_label = ""
        self._count = 0
        self._of = 0
        self._last = 0.0

    def note(self, message: str) -> None:
        self._emit(ProgressEvent(self._name, "note", message))

    def start(self, label: str, total: int) -> None:
        self._stage_label, self._count, self._of = label, 0, total
        self._send(force=True)

    def advance(self, steps: int = 1) -> None:
        if self._cancelled.is_set():
            raise BuildCancelledError
        self._count += steps
        self._send(force=self._count >= self._of)

    def finish(self) -> None:
        self._send(force=True)

    def _send(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last < _EVENT_INTERVAL:
            return
        self._last = now
        message = f"converting {self._stage_label} of {self._name}"
        self._emit(
            ProgressEvent(self._name, "build", message, self._count, self._of, self._stage_label)
        )


async def build_off_loop(
    name: str, build: Callable[[Progress], T], progress: ProgressCallback
) -> T:
    """Run ``build`` in a worker thread; cancelling the caller stops it at the next page."""
    loop = asyncio.get_running_loop()
    cancelled = threading.Event()

    def emit(event: ProgressEvent) -> None:
        loop.call_soon_threadsafe(progress, event)

    try:
        return await asyncio.to_thread(build, _EventProgress(name, emit, cancelled))
    except asyncio.CancelledError:
        cancelled.set()
        raise


def vet_fetched(docset: Docset, root: str, files: DocFiles) -> int:
    """Drop the entries of a fetched docset that could mislead (see module docstring); return
    how many were dropped. Links are re-encoded so they cannot break a Markdown link; with no
    ``root`` (an archive from an unknown site) entries get no link at all."""
    ids: dict[str, frozenset[str]] = {}
    kept: list[DocEntry] = []
    inventory = find_shallowest(files, "objects.inv") or "objects.inv"
    prefix = inventory[: -len("objects.inv")]  # archives nest the build in a folder
    for entry in docset.entries:
        url = (safe_url(entry.url) if root else "") if entry.url else ""
        if url is None or not entry.url.startswith(root):
            continue
        if entry.kind is not Kind.KEYWORD and not _DOTTED_NAME.match(entry.qualname):
            continue
        if entry.url:
            page, _, anchor = entry.url[len(root) :].partition("#")
            if page not in ids:
                html = files.read(prefix + page)
                ids[page] = frozenset() if html is None else _ids(html)
            if not ids[page] or (anchor and unquote(anchor) not in ids[page]):
                continue  # the inventory named a page or anchor the site does not have
        kept.append(entry if url == entry.url else dataclasses.replace(entry, url=url))
    dropped = len(docset.entries) - len(kept)
    docset.entries = kept
    return dropped


def _ids(html: bytes) -> frozenset[str]:
    """Every ``id`` attribute value of a page (a cheap scan, no parse); never empty for a
    page that exists, so an empty set means "no such page"."""
    found = {match.decode("utf-8", "replace") for match in _ID_ATTRIBUTE.findall(html)}
    return frozenset(found | {""})
