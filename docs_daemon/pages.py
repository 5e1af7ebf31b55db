"""Documentation pages written as Markdown files, so an editor can open a symbol's docs as text."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from docs_daemon.render import page_markdown
from docs_daemon.store.models import Entry

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/docs-daemon`` (or ``~/.cache/docs-daemon``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docs-daemon"


def _safe_component(text: str) -> str:
    """A file-name-safe form that cannot escape the directory and cannot collide."""
    cleaned = _UNSAFE.sub("_", text).strip(".") or "_"
    if cleaned != text:
        cleaned += "-" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return cleaned[:180]


class PageCache:
    """Writes each entry's page once per process into ``<cache>/pages/<docset>/<qualname>.md``.

    An unwritable cache directory falls back to a private temporary one (with a warning), so
    workspace symbols keep working on read-only homes and full disks degrade to one message.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()
        self.problem: str | None = None
        self._written: set[tuple[str, str]] = set()

    def path_for(self, entry_docset: str, qualname: str) -> Path:
        """Where the page lives. Each component is sanitised to ``[A-Za-z0-9_.-]`` with no
        leading or trailing dot, so it can be neither ``..`` nor contain a separator: the
        path stays inside the cache by construction, with no file-system call per symbol."""
        docset, name = _safe_component(entry_docset), _safe_component(qualname)
        return self.root / "pages" / docset / f"{name}.md"

    def uri_for(self, entry_docset: str, qualname: str) -> str:
        return self.path_for(entry_docset, qualname).as_uri()

    def has(self, docset: str, qualname: str) -> bool:
        """Whether this process has written the page (so its URI can be handed out)."""
        return (docset, qualname) in self._written

    def write(self, entry: Entry) -> str:
        """Write the page if this process has not yet; return its ``file://`` URI."""
        if not self.has(entry.docset, entry.qualname):
            text = page_markdown(entry)
            try:
                self._write_atomically(self.path_for(entry.docset, entry.qualname), text)
            except OSError as error:
                self._fall_back(error)
                self._write_atomically(self.path_for(entry.docset, entry.qualname), text)
            self._written.add((entry.docset, entry.qualname))
        return self.uri_for(entry.docset, entry.qualname)

    def write_all(self, entries: Iterable[Entry]) -> None:
        """Write several pages (from a worker thread: this is file I/O)."""
        for entry in entries:
            self.write(entry)

    def _fall_back(self, error: OSError) -> None:
        fallback = Path(tempfile.mkdtemp(prefix="docs-daemon-pages-"))
        self.problem = (
            f"cannot write documentation pages to {self.root} ({error.strerror or error}); "
            f"using {fallback} for this session"
        )
        log.warning("%s", self.problem)
        self.root = fallback.resolve()
        self._written.clear()  # pages under the old root are not handed out any more

    @staticmethod
    def _write_atomically(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
