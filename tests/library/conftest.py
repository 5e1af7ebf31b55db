"""The loopback documentation sites every library test fetches from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.library.docs_server import DocsServer, serving


@pytest.fixture(scope="session")
def docs_server() -> Iterator[DocsServer]:
    """One server for the session; tests add their own routes under their own prefixes."""
    yield from serving(DocsServer())
