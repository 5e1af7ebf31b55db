"""The one exception the store raises, so callers can tell "bad database" from bugs."""

from __future__ import annotations


class StoreError(Exception):
    """A database could not be loaded or queried; the message names the file and the problem."""
