"""The narrow view of the server a language feature works with.

Features translate a request into questions to the documents, inference and the store, and
the answers into lsprotocol types; they need nothing else of the server. Spelling out that
view as a protocol keeps them honest about it and lets a test drive a feature directly with
a small context of real parts (``tests/features``), comparing whole results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from docs_daemon.features.documents import DocumentReader
    from docs_daemon.inference import InferenceClient
    from docs_daemon.pages import PageCache
    from docs_daemon.settings import Settings
    from docs_daemon.store import DocStore


class FeatureContext(Protocol):
    """Documents, inference, settings, the store and pages; and the two things a feature asks
    of the editor (a message, a browser)."""

    @property
    def reader(self) -> DocumentReader: ...

    @property
    def inference(self) -> InferenceClient | None: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def pages(self) -> PageCache: ...

    @property
    def python_version(self) -> tuple[int, int] | None:
        """The workspace environment's Python version, once known."""
        ...

    @property
    def lazy_symbol_locations(self) -> bool:
        """The client resolves workspace symbols' locations lazily (``workspaceSymbol/resolve``)."""
        ...

    async def ready_store(self) -> DocStore:
        """The store once loaded; raises ``StoreUnavailableError`` when it cannot be."""
        ...

    def report_page_problem(self) -> None:
        """Tell the user, once, that pages moved to a temporary directory."""
        ...

    def inform(self, message: str) -> None:
        """An information message for the user."""
        ...

    async def show_document(self, url: str) -> None:
        """Ask the editor to open ``url`` in a browser (no-op where it cannot)."""
        ...
