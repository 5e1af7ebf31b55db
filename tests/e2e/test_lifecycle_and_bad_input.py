"""The server survives what a client should never send, and exits when it should."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.wire import WireServer, frame

JSON_DUMPS = ("file:///w/ok.py", "import json\njson.dumps(1)\n")


def _answers_known_hover(server: WireServer) -> None:
    server.open(*JSON_DUMPS)
    response = server.hover(JSON_DUMPS[0], 1, 7)
    assert "Serialize" in response["result"]["contents"]["value"], response


@pytest.fixture(scope="module")
def server() -> Iterator[WireServer]:
    peer = WireServer()
    peer.initialize()
    _answers_known_hover(peer)
    yield peer
    assert peer.close() == 0


BAD_FRAMES: list[bytes] = [
    frame(b"{not json"),
    frame(b'{"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": 5}'),
    frame(
        b'{"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": 1}}'
    ),
    frame(b"\xff\xfe\xfd invalid utf-8"),
    frame(b"[]"),
    frame(b"null"),
    frame(
        b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": null}}'
    ),
    frame(
        b'{"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": {"position": "x"}}'
    ),
    frame(
        b'{"jsonrpc": "2.0", "id": {"nested": [1]}, "method": "workspace/symbol", "params": {"query": 7}}'
    ),
    b"Content-Length: 5\r\n\r\n{}{}{",  # a frame whose body is not one JSON value
    b"Garbage-Header: yes\r\n\r\n",
]


@pytest.mark.parametrize("data", BAD_FRAMES, ids=range(len(BAD_FRAMES)))
def test_bad_frames_leave_the_server_serving(server: WireServer, data: bytes) -> None:
    server.send_raw(data)
    _answers_known_hover(server)


def test_unknown_method_is_a_method_not_found_error(server: WireServer) -> None:
    response = server.request("docsDaemon/noSuchThing", {})
    assert response["error"]["code"] == -32601
    _answers_known_hover(server)


def test_wrong_parameter_types_are_an_error_response(server: WireServer) -> None:
    response = server.request("textDocument/hover", {"textDocument": {"uri": 3}, "position": []})
    assert "error" in response
    _answers_known_hover(server)


@pytest.mark.parametrize(
    ("uri", "line", "character"),
    [
        ("file:///never/opened.py", 0, 0),
        (JSON_DUMPS[0], 99, 0),  # past the last line
        (JSON_DUMPS[0], 1, 999),  # past the end of the line
        (JSON_DUMPS[0], -1, -5),
    ],
)
def test_unknown_documents_and_positions_give_null(
    server: WireServer, uri: str, line: int, character: int
) -> None:
    server.open(*JSON_DUMPS)
    response = server.hover(uri, line, character)
    assert response.get("result") is None
    _answers_known_hover(server)


def _exit_code_within(server: WireServer, seconds: float) -> int | None:
    try:
        return server.process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.process.kill()
        return None


def test_exits_on_shutdown_and_exit() -> None:
    peer = WireServer()
    peer.initialize()
    assert peer.request("shutdown")["result"] is None
    peer.notify("exit")
    assert _exit_code_within(peer, 5) == 0


def test_exits_on_stdin_eof() -> None:
    peer = WireServer()
    peer.initialize()
    assert peer.process.stdin is not None
    peer.process.stdin.close()
    assert _exit_code_within(peer, 5) is not None


def test_exits_when_the_client_process_dies() -> None:
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    peer = WireServer()
    peer.initialize(pid=parent.pid)
    _answers_known_hover(peer)
    parent.kill()
    parent.wait()
    started = time.monotonic()
    assert _exit_code_within(peer, 5) is not None
    assert time.monotonic() - started < 2.5


def test_initialize_is_answered_before_the_data_is_ready() -> None:
    peer = WireServer()
    started = time.monotonic()
    response = peer.request(
        "initialize", {"processId": None, "rootUri": None, "capabilities": {}}, timeout=30
    )
    capabilities: dict[str, Any] = response["result"]["capabilities"]
    assert capabilities["hoverProvider"]
    assert capabilities["completionProvider"]["triggerCharacters"] == ["."]
    assert capabilities["workspaceSymbolProvider"]
    assert time.monotonic() - started < 10
    peer.notify("initialized", {})
    # A hover sent at once waits for the data rather than coming back empty.
    peer.open(*JSON_DUMPS)
    assert "Serialize" in peer.hover(JSON_DUMPS[0], 1, 7)["result"]["contents"]["value"]
    assert peer.close() == 0


def test_cancelled_completions_do_not_pile_up(server: WireServer) -> None:
    """Typing fires a completion per keystroke and cancels the stale ones: each gets an answer
    (a result or RequestCancelled), and the request after them is served normally."""
    uri = "file:///w/typing.py"
    server.open(uri, "import os\nos.path.\n")
    ids = []
    for _ in range(200):
        server._next_id += 1
        ids.append(server._next_id)
        server.send(
            {
                "jsonrpc": "2.0",
                "id": server._next_id,
                "method": "textDocument/completion",
                "params": {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 8}},
            }
        )
        server.notify("$/cancelRequest", {"id": server._next_id})
    answered: dict[int, dict[str, Any]] = {}
    while len(answered) < len(ids):
        message = server.wait_for(lambda m: m.get("id") in ids, timeout=20)
        answered[message["id"]] = message
    cancelled = [m for m in answered.values() if m.get("error", {}).get("code") == -32800]
    assert all("result" in m or m in cancelled for m in answered.values())
    # Cancelled before they ran: the work was dropped, not done and thrown away.
    assert len(cancelled) > len(ids) // 2, f"only {len(cancelled)} of {len(ids)} were cancelled"
    response = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 8}},
    )
    assert any(item["label"] == "join" for item in response["result"]["items"])
