"""A real docs-daemon over real stdio, driven with VS Code's and Neovim's client capabilities."""

from __future__ import annotations

import itertools
import re
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
#: The position encoding each client negotiated (Neovim offers UTF-8 first, VS Code only UTF-16).
_ENCODINGS: dict[int, str] = {}


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
    result = await lsp_client.initialize_session(params)
    _ENCODINGS[id(lsp_client)] = str(result.capabilities.position_encoding or "utf-16")
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


def units(text: str, client: LanguageClient) -> int:
    """The length of ``text`` in the position units the client negotiated."""
    encoding = _ENCODINGS.get(id(client), "utf-16")
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def split_cursor(
    marked: str, client: LanguageClient, marker: str = "‸"
) -> tuple[str, types.Position]:
    """Remove the cursor marker; return the text and the marker's position in the client's units."""
    index = marked.index(marker)
    text = marked[:index] + marked[index + len(marker) :]
    before = marked[:index]
    line = before.count("\n")
    column_text = before[before.rfind("\n") + 1 :]
    return text, types.Position(line=line, character=units(column_text, client))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run each e2e module's tests on the module's event loop, where its server client lives."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here and "asyncio" in item.keywords:
            item.add_marker(pytest.mark.asyncio(loop_scope="module"), append=False)


def plain_text(markdown: str) -> str:
    """Markdown as a person reads it: link targets, code ticks and emphasis dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[`*\\]", "", text)
