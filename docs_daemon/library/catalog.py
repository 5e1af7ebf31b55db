"""Where the user's docsets live: one SQLite file per docset in the user's data directory.

The directory is ``$XDG_DATA_HOME/docs-daemon`` (``~/.local/share/docs-daemon``). A docset
``werkzeug`` is ``werkzeug.sqlite``; the Python docs of 3.13 are ``python@3.13.sqlite``. Files
are only ever replaced whole (written beside, then renamed), so a server reading one never
sees half a file; a hidden lock file beside each serialises the processes building it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import filelock

from docs_daemon.library.errors import LibraryError
from docs_daemon.schema import SCHEMA_VERSION, ForeignFileError, OtherVersionError, identify

SUFFIX = ".sqlite"
#: A library name: a normalised distribution name, or ``python@X.Y``.
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?(?:@[0-9]+(?:\.[0-9]+)*)?$")
#: How often a waiting process looks at a lock another one holds.
_LOCK_POLL_SECONDS = 0.2
#: How long ``remove`` waits for a build of the same docset to finish.
_REMOVE_WAIT_SECONDS = 10.0


def default_root(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """``$XDG_DATA_HOME/docs-daemon``, else ``~/.local/share/docs-daemon``."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "docs-daemon"


def check_name(name: str) -> str:
    """``name`` if it can name a docset file (no path separators, no hidden files)."""
    if not _NAME.match(name):
        raise LibraryError(
            f"{name!r} is not a docset name (lower-case letters, digits, '.', '-', '_'; "
            "python@X.Y for the Python docs)"
        )
    return name


@dataclass(frozen=True, slots=True)
class InstalledDocset:
    """A docset file in the library, described by its own ``docsets`` row."""

    #: The library name (file stem): ``werkzeug``, ``python@3.13``.
    name: str
    #: The docset's name inside the file (``python`` for every Python version).
    docset: str
    version: str
    #: ``official`` or ``docstrings``.
    origin: str
    #: Normalised distribution name; ``""`` for the Python docs.
    distribution: str
    #: Where it was built from: the inventory URL, an archive URL, a directory.
    source: str
    base_url: str
    source_digest: str
    path: Path
    size: int
    entries: int
    built_at: str


class Library:
    """The directory of docsets: what is installed, where a docset's file goes, its lock."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root if root is not None else default_root()).expanduser()
        self._task_locks: dict[str, asyncio.Lock] = {}

    def path_for(self, name: str) -> Path:
        """The file of docset ``name`` (whether or not it exists yet)."""
        return self.root / f"{check_name(name)}{SUFFIX}"

    def get(self, name: str) -> InstalledDocset | None:
        """The installed docset ``name``, or ``None`` when absent or unreadable."""
        path = self.path_for(name)
        try:
            return read_installed(path)
        except LibraryError:
            return None

    def docsets(self, problems: list[str] | None = None) -> list[InstalledDocset]:
        """Every readable docset, by name; unreadable files are named in ``problems``."""
        found: list[InstalledDocset] = []
        if not self.root.is_dir():
            return found
        for path in sorted(self.root.glob(f"*{SUFFIX}")):
            if not _NAME.match(path.stem):
                continue
            try:
                found.append(read_installed(path))
            except LibraryError as error:
                if problems is not None:
                    problems.append(str(error))
        return found

    def remove(self, name: str) -> InstalledDocset | None:
        """Delete docset ``name``'s file; the removed docset (``None`` if the file was
        unreadable). A server serving it keeps its in-memory copy until it reloads."""
        path = self.path_for(name)
        if not path.exists():
            raise LibraryError(f"{name} is not installed (see docs-daemon list)")
        try:
            installed: InstalledDocset | None = read_installed(path)
        except LibraryError:
            installed = None
        try:
            with filelock.FileLock(self._lock_path(name), timeout=_REMOVE_WAIT_SECONDS):
                path.unlink(missing_ok=True)
        except filelock.Timeout:
            raise LibraryError(
                f"{name} is being built by another docs-daemon right now; try again when it is done"
            ) from None
        return installed

    def _lock_path(self, name: str) -> Path:
        return self.root / f".{check_name(name)}.lock"

    @contextlib.asynccontextmanager
    async def locked(
        self, name: str, *, waiting: Callable[[], None] | None = None
    ) -> AsyncIterator[None]:
        """Hold docset ``name`` against other tasks and processes; cancellable while waiting.

        ``waiting`` is called once if another holder makes this one wait.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        task_lock = self._task_locks.setdefault(name, asyncio.Lock())
        if task_lock.locked() and waiting is not None:
            waiting()
            waiting = None
        async with task_lock:
            lock = filelock.FileLock(self._lock_path(name), is_singleton=False)
            while True:
                try:
                    lock.acquire(blocking=False)
                    break
                except filelock.Timeout:
                    if waiting is not None:
                        waiting()
                        waiting = None
                    await asyncio.sleep(_LOCK_POLL_SECONDS)
            try:
                yield
            finally:
                lock.release()


def read_installed(path: Path) -> InstalledDocset:
    """Describe the docset file at ``path`` from its ``docsets`` row, once it is known to be
    a docs-daemon database of this schema (the check the builder and the store share)."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            connection.row_factory = sqlite3.Row
            identify(connection)
            rows = connection.execute("SELECT * FROM docsets").fetchall()
        finally:
            connection.close()
        size = path.stat().st_size
    except OtherVersionError as error:
        raise LibraryError(
            f"{path}: built for schema {error.found}, this version reads {SCHEMA_VERSION} "
            f"(docs-daemon add {path.stem} --force rebuilds it)"
        ) from None
    except ForeignFileError as error:
        raise LibraryError(f"{path}: not a docs-daemon database ({error})") from None
    except sqlite3.Error as error:
        raise LibraryError(f"{path}: unreadable ({error})") from None
    except OSError as error:
        raise LibraryError(f"{path}: {error.strerror or error}") from None
    if len(rows) != 1:
        raise LibraryError(f"{path}: holds {len(rows)} docsets, a library file holds one")
    row = dict(rows[0])
    return InstalledDocset(
        name=path.stem,
        docset=row["name"],
        version=row["version"],
        origin=row.get("origin", "official"),
        distribution=row.get("distribution", ""),
        source=row["source"],
        base_url=row["base_url"],
        source_digest=row.get("source_digest", ""),
        path=path,
        size=size,
        entries=row["entry_count"],
        built_at=row["built_at"],
    )
