"""The exceptions of the docset library; each message is one complete line for the user."""

from __future__ import annotations


class LibraryError(Exception):
    """Anything that stops an ``add``/``update``/``remove``: the message says what and why."""


class FetchError(LibraryError):
    """A download failed (offline, refused, timed out, too big, redirected away, not found)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        #: The HTTP status when the server answered (also of an answer cut off for its size),
        #: ``None`` when it did not (no connection, timeout): callers tell 404 from an outage.
        self.status = status


class NoOfficialDocsError(LibraryError):
    """No official documentation is reachable for a distribution; the caller may fall back to
    the docstrings of the installed package."""
