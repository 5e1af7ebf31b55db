"""Everything docs-daemon assumes about pygls beyond its public API, checked against the
installed pygls: a release that changes any of it fails here, by name, not in the field."""

from __future__ import annotations

import asyncio
import inspect
import json
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import JsonRPCProtocol, LanguageServerProtocol

from docs_daemon.pygls_internals import InternalsProtocol
from docs_daemon.server import DocsServer
from docs_daemon.stdio import MAX_BODY, OVERSIZED_LINE
from tests.unit.in_process import READ_METHOD, exchange, message, reading_server


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_private_members_used_exist_with_their_signatures(tmp_path: Path) -> None:
    protocol = reading_server(tmp_path).protocol
    assert isinstance(protocol._request_futures, dict)
    assert callable(protocol._converter.unstructure)
    assert _parameters(JsonRPCProtocol._execute_handler) == [
        "self",
        "msg_id",
        "handler",
        "callback",
        "args",
        "kwargs",
    ]
    assert _parameters(JsonRPCProtocol._send_response) == ["self", "msg_id", "result", "error"]
    assert _parameters(JsonRPCProtocol._send_data) == ["self", "data"]
    assert issubclass(InternalsProtocol, LanguageServerProtocol)


def test_the_built_in_document_handlers_are_still_registered(tmp_path: Path) -> None:
    """They are bypassed, but their registration is what advertises document sync."""
    builtin = reading_server(tmp_path).protocol.fm.builtin_features
    for method in (
        types.TEXT_DOCUMENT_DID_OPEN,
        types.TEXT_DOCUMENT_DID_CHANGE,
        types.TEXT_DOCUMENT_DID_CLOSE,
    ):
        assert method in builtin


def _initialize(msg_id: int) -> bytes:
    capabilities = {"general": {"positionEncodings": ["utf-8", "utf-16"]}}
    return message(
        {
            "id": msg_id,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": capabilities},
        }
    )


async def test_documents_bypass_pygls_and_sync_is_advertised(tmp_path: Path) -> None:
    server = reading_server(tmp_path)
    opened = {"uri": "file:///a.py", "languageId": "python", "version": 1, "text": "x\fy"}
    written = await exchange(
        server,
        [
            _initialize(1),
            message({"method": "textDocument/didOpen", "params": {"textDocument": opened}}),
            message({"id": 2, "method": READ_METHOD, "params": {"uri": "file:///a.py"}}),
        ],
        answers=2,
    )
    capabilities = written.answer(1)["result"]["capabilities"]
    assert capabilities["textDocumentSync"]["openClose"] is True
    assert capabilities["textDocumentSync"]["change"] == types.TextDocumentSyncKind.Incremental
    assert capabilities["positionEncoding"] == "utf-8"
    assert server.documents.encoding == "utf-8"
    assert written.answer(2)["result"] == "x\fy"
    assert server.workspace.text_documents == {}  # pygls never saw the document


async def test_a_coroutine_handler_starts_inside_handle_message(tmp_path: Path) -> None:
    """pygls creates the handler's task during dispatch, so the task keeps the context that
    dispatch ran in (where ``DocsProtocol`` puts the documents as of the request)."""
    server = reading_server(tmp_path)
    protocol = server.protocol
    protocol.documents.open("file:///a.py", 1, "before")
    request = {"jsonrpc": "2.0", "id": 7, "method": READ_METHOD, "params": {"uri": "file:///a.py"}}
    protocol.handle_message(json.loads(json.dumps(request), object_hook=protocol.structure_message))
    task = protocol._request_futures[7]
    assert isinstance(task, asyncio.Task) and not task.done()
    protocol.documents.open("file:///a.py", 2, "after")
    assert await task == "before"


async def test_finished_handler_futures_are_forgotten(tmp_path: Path) -> None:
    server = reading_server(tmp_path)
    noticed = asyncio.Event()

    @server.feature("test/notice")
    async def notice(ls: DocsServer, params: Any) -> None:
        noticed.set()

    await exchange(server, [message({"method": "test/notice", "params": {}})], answers=0)
    await asyncio.wait_for(noticed.wait(), 5)
    await asyncio.sleep(0)
    assert server.protocol._request_futures == {}


async def test_send_error_answers_the_id_even_a_null_one(tmp_path: Path) -> None:
    server = reading_server(tmp_path)
    written = await exchange(server, [], answers=0)
    error = types.ResponseError(code=-32602, message="bad params")
    server.protocol.send_error("x-1", error)
    server.protocol.send_error(None, error)
    assert written.messages == [
        {"jsonrpc": "2.0", "id": "x-1", "error": {"code": -32602, "message": "bad params"}},
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32602, "message": "bad params"}},
    ]


async def test_pygls_loop_resynchronises_after_what_the_pipe_reader_refuses(
    tmp_path: Path,
) -> None:
    """``PipeReader`` turns an oversized header line into a harmless header and an oversized
    body into one byte that is not JSON; pygls' loop must skip the first and report the
    second as a bad frame, then read on."""
    server = reading_server(tmp_path)
    server.protocol.documents.open("file:///a.py", 1, "text")
    written = await exchange(
        server,
        [
            OVERSIZED_LINE,
            b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1),
            message({"id": 3, "method": READ_METHOD, "params": {"uri": "file:///a.py"}}),
        ],
        answers=2,
    )
    assert written.messages[0]["id"] is None and written.messages[0]["error"]["code"] == -32700
    assert written.answer(3)["result"] == "text"
