"""Putting a built docset into the library: once per docset at a time, atomically, reusing what
another process just built.

Two ``add`` of the same docset at once (two editor windows, an editor and a terminal): the
first takes the docset's lock and builds; the second waits, sees a file newer than the one it
saw before waiting, and reuses it. The file is written beside the old one and renamed over it,
so a server still serving the old file keeps a whole file and picks up the new one by its
changed signature.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from docs_daemon.builder.records import Docset
from docs_daemon.builder.writer import write_database
from docs_daemon.library.catalog import InstalledDocset, Library, read_installed
from docs_daemon.library.errors import LibraryError
from docs_daemon.library.progress import ProgressCallback, ProgressEvent


@dataclass(slots=True)
class Claim:
    """The docset's lock, held; ``ready`` is the docset another process built meanwhile (or
    the installed one when no rebuild is wanted), ``None`` when this caller must build."""

    name: str
    ready: InstalledDocset | None


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


@asynccontextmanager
async def claim(
    library: Library, name: str, *, replace: bool, progress: ProgressCallback
) -> AsyncIterator[Claim]:
    """Hold ``name``'s lock; say whether a build is still needed (see module docstring)."""
    path = library.path_for(name)
    before = _signature(path)

    def waiting() -> None:
        message = f"waiting for another docs-daemon that is building {name}"
        progress(ProgressEvent(name, "note", message))

    async with library.locked(name, waiting=waiting):
        installed = library.get(name)
        if installed is not None and (not replace or _signature(path) != before):
            yield Claim(name, installed)
        else:
            yield Claim(name, None)


async def install(library: Library, name: str, docset: Docset) -> InstalledDocset:
    """Write ``docset`` as ``name``'s file, atomically; call while holding its claim."""
    path = library.path_for(name)
    if not docset.entries:
        raise LibraryError(f"{name}: the documentation has no Python entries; nothing installed")
    return await asyncio.to_thread(_write, path, docset)


def _write(path: Path, docset: Docset) -> InstalledDocset:
    # A fresh file, never an update of the old one: the old file may be of an older schema,
    # and a reader of it must keep seeing it whole until the rename.
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.new")
    try:
        write_database(temp, [docset])
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return read_installed(path)
