"""Where the worker's jedi and parso keep parsed stubs, and how a damaged cache heals.

Both libraries pickle every module they parse (typeshed's ``builtins.pyi`` is over a
megabyte) under ``$XDG_CACHE_HOME`` and write those files in place. A worker killed
mid-write (the server closing during the warm-up, a hung worker replaced) leaves a file cut
short, and every later load of it raises: inference would stay broken on that machine for
good. So the worker keeps a cache of its own, ``$XDG_CACHE_HOME/docs-daemon/inference``
(a private temporary directory where that cannot be written), and starts it afresh when a
load fails. A shared cache of the user's other tools is never read, written or wiped.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: What loading a pickle cut short raises.
DAMAGED = (pickle.UnpicklingError, EOFError)


@dataclass(frozen=True, slots=True)
class StubCache:
    directory: Path
    #: A directory made for this worker alone, removed when it leaves.
    temporary: bool

    @classmethod
    def choose(cls) -> StubCache:
        """Pick the directory and point jedi and parso at it; call before importing them
        (both read ``XDG_CACHE_HOME`` once, when imported)."""
        user = Path(os.environ.get("XDG_CACHE_HOME") or Path("~", ".cache").expanduser())
        cache = cls(user / "docs-daemon" / "inference", temporary=False)
        if not _writable(cache.directory):
            private = Path(tempfile.mkdtemp(prefix="docs-daemon-inference-"))
            _say(f"{cache.directory} cannot be written: caching parsed stubs in {private}")
            cache = cls(private, temporary=True)
        os.environ["XDG_CACHE_HOME"] = str(cache.directory)
        return cache

    def healing(self, action: Callable[[], T]) -> T:
        """Run ``action``; when it trips over a damaged cache file, empty the cache and run
        it once more (it then parses from source and writes whole files again)."""
        try:
            return action()
        except DAMAGED as error:
            _say(f"a cached parse was damaged ({type(error).__name__}: {error}); starting afresh")
            self.empty()
            return action()
        except FileNotFoundError as error:
            if not self._holds(error.filename):
                raise
            # Another worker emptied the shared cache while this one was writing into it.
            return action()

    def _holds(self, filename: object) -> bool:
        if not isinstance(filename, str):
            return False
        return Path(filename).resolve().is_relative_to(self.directory.resolve())

    def empty(self) -> None:
        for child in list(self.directory.iterdir()) if self.directory.is_dir() else ():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)

    def close(self) -> None:
        if self.temporary:
            shutil.rmtree(self.directory, ignore_errors=True)


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False


def _say(message: str) -> None:
    print(message, file=sys.stderr)
