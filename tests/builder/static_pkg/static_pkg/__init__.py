"""A package the docstring builder reads without importing it.

Importing it writes ``$TRAP_FILE`` and fails: the tests prove that never happens.
"""

from __future__ import annotations

import os
import pathlib
from typing import TYPE_CHECKING

from static_pkg import shapes
from static_pkg._core import Engine as Engine
from static_pkg._core import TurboEngine as TurboEngine
from static_pkg._core import make_engine
from static_pkg.render import render
from static_pkg.shapes import *  # noqa: F403

from .errors import NotFoundError, PkgError

if TYPE_CHECKING:
    from static_pkg._core import Hidden  # noqa: F401 -- read, never re-exported

__all__ = ["Engine", "NotFoundError", "PkgError", "TurboEngine", "make_engine", "render", "shapes"]
__all__ += shapes.__all__
__all__.append("VERSION")

VERSION: str = "1.0"
"""The package's version."""

#: How many engines one process may hold.
MAX_ENGINES = 4

pathlib.Path(os.environ["TRAP_FILE"]).write_text("imported")
raise ImportError("static_pkg is read, never imported")
