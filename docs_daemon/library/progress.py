"""Progress of an ``add``/``update`` as plain events: the CLI draws them, the server turns them
into ``$/progress``, and the library itself never prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One step: a stage starting (``done == 0``), advancing, or a note (``total is None``)."""

    #: The docset the event is about (``werkzeug``, ``python@3.13``).
    docset: str
    #: ``resolve``, ``download``, ``pages``, ``build``, ``aliases``, ``write`` or ``note``.
    stage: str
    #: One line for people: "fetching pages of werkzeug 2.2.x".
    message: str
    done: int = 0
    total: int | None = None
    #: What ``done``/``total`` count: ``pages``, ``bytes``, ``entries`` or "".
    unit: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


def ignore_progress(event: ProgressEvent) -> None:
    """The default callback: progress is optional."""
