"""Where documentation files come from: a directory on disk or an archive read into memory.

Both answer the same two questions, so the Sphinx reader never knows which one it has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Protocol


class DocFiles(Protocol):
    """A read-only tree of documentation files addressed by POSIX relative paths."""

    #: Where the files came from, for people (recorded as the docset's ``source``).
    label: str

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or ``None`` when it is missing or outside the tree."""
        ...

    def paths(self) -> Iterable[str]:
        """Every file in the tree."""
        ...


def _normalised(path: str) -> str | None:
    """``path`` as a clean relative POSIX path, or ``None`` if it could leave the tree."""
    pure = PurePosixPath(path.split("#", 1)[0])
    if pure.is_absolute() or ".." in pure.parts:
        return None
    return pure.as_posix()


class DirectoryFiles:
    """Files under a directory; paths that would escape it read as missing."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = str(root)

    def read(self, path: str) -> bytes | None:
        clean = _normalised(path)
        if clean is None:
            return None
        file = (self.root / clean).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        return file.read_bytes()

    def paths(self) -> Iterable[str]:
        for file in self.root.rglob("*"):
            if file.is_file():
                yield file.relative_to(self.root).as_posix()


class MemoryFiles:
    """Files held in memory, e.g. the checked members of an archive."""

    def __init__(self, label: str, files: Mapping[str, bytes]) -> None:
        self.label = label
        self._files = dict(files)

    def read(self, path: str) -> bytes | None:
        clean = _normalised(path)
        return None if clean is None else self._files.get(clean)

    def paths(self) -> Iterable[str]:
        return iter(self._files)


def find_shallowest(files: DocFiles, filename: str) -> str | None:
    """The path of ``filename`` closest to the root (archives nest everything in a folder)."""
    matches = [p for p in files.paths() if PurePosixPath(p).name == filename]
    return min(matches, key=lambda p: (p.count("/"), p), default=None)
