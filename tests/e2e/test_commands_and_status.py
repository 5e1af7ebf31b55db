"""The open-in-browser command and the docsDaemon/status request."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_document, split_cursor


async def test_status_reports_loaded_docsets(client: LanguageClient) -> None:
    for _ in range(100):  # loading takes well under a second; allow a slow machine 10 s
        status = await client.protocol.send_request_async("docsDaemon/status", None)
        if status.state != "loading":
            break
        await asyncio.sleep(0.1)
    assert status.state == "ready"
    names = {d.name for d in status.docsets}
    assert "python" in names
    python = next(d for d in status.docsets if d.name == "python")
    assert python.entryCount > 9000
    assert python.version == "3.11"


async def test_open_in_browser_asks_client_to_show_the_url(client: LanguageClient) -> None:
    text, position = split_cursor("import json\njson.du‸mps(1)", client)
    uri = open_document(client, text)
    before = len(client.shown_documents)
    url = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="docsDaemon.openInBrowser",
            arguments=[
                {
                    "textDocument": {"uri": uri},
                    "position": {"line": position.line, "character": position.character},
                }
            ],
        )
    )
    assert url == "https://docs.python.org/3.11/library/json.html#json.dumps"
    shown = client.shown_documents[before:]
    assert shown and shown[-1].uri == url and shown[-1].external is True


async def test_open_in_browser_with_nothing_there_returns_null(client: LanguageClient) -> None:
    uri = open_document(client, "x = 1\n")
    url = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="docsDaemon.openInBrowser",
            arguments=[{"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}}],
        )
    )
    assert url is None
