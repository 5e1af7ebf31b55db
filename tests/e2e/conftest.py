"""A real docs-daemon over real stdio, driven with VS Code's and Neovim's client capabilities."""

from __future__ import annotations

import itertools
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

#: Every protocol test runs once per real editor's capabilities.
CLIENTS = ["visual-studio-code", "neovim"]

_counter = itertools.count()


#: Pages opened from workspace symbols go here, not into the user's cache.
PAGE_CACHE = tempfile.mkdtemp(prefix="docs-daemon-test-pages-")


def server_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "docs_daemon", "serve", "--cache-dir", PAGE_CACHE, *extra]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=server_command()),
    params=CLIENTS,
    scope="module",
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient) -> AsyncIterator[None]:
    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=Path.cwd().as_uri(),
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, text: str, suffix: str = ".py") -> str:
    """Open a new in-memory document and return its URI (unique per call)."""
    uri = f"file:///workspace/doc{next(_counter)}{suffix}"
    language = "python" if suffix == ".py" else "markdown"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def split_cursor(marked: str, marker: str = "‸") -> tuple[str, types.Position]:
    """Remove the cursor marker and return the text and the marker's LSP (UTF-16) position."""
    index = marked.index(marker)
    text = marked[:index] + marked[index + len(marker) :]
    before = marked[:index]
    line = before.count("\n")
    column_text = before[before.rfind("\n") + 1 :]
    character = len(column_text.encode("utf-16-le")) // 2
    return text, types.Position(line=line, character=character)
