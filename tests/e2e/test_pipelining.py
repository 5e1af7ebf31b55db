"""Requests pipelined between document changes are answered against the document as of
their place in the stream, not a later one (several messages in one write)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.wire import WireServer, frame

URI = "file:///pipelined/doc.py"
#: Every pipelined sequence is repeated; each must be answered from its own version.
ROUNDS = 40


@pytest.fixture(scope="module")
def server() -> Iterator[WireServer]:
    peer = WireServer()
    peer.initialize()
    peer.open(URI, "import json\njson.loads(1)\n")
    response = peer.hover(URI, 1, 7)  # waits for the store: later answers are not held up
    assert "json.loads" in response["result"]["contents"]["value"], response
    yield peer
    assert peer.close() == 0


def _message(payload: dict[str, Any]) -> bytes:
    return frame(json.dumps({"jsonrpc": "2.0", **payload}).encode())


def _full_change(version: int, text: str) -> bytes:
    return _message(
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"text": text}],
            },
        }
    )


def _request(msg_id: int, method: str, line: int, character: int) -> bytes:
    return _message(
        {
            "id": msg_id,
            "method": method,
            "params": {
                "textDocument": {"uri": URI},
                "position": {"line": line, "character": character},
            },
        }
    )


def _answers(server: WireServer, ids: list[int]) -> dict[int, dict[str, Any]]:
    answers: dict[int, dict[str, Any]] = {}
    while len(answers) < len(ids):
        message = server.wait_for(lambda m: m.get("id") in ids and "method" not in m, timeout=30)
        answers[message["id"]] = message
    return answers


def test_hover_between_changes_answers_from_its_version(server: WireServer) -> None:
    ids = []
    for index in range(ROUNDS):
        msg_id = 5000 + index
        ids.append(msg_id)
        server.send_raw(
            _full_change(2 * index + 2, "import json\njson.dumps(1)\n")
            + _request(msg_id, "textDocument/hover", 1, 7)
            + _full_change(2 * index + 3, "import json\njson.loads(1)\n")
        )
    answers = _answers(server, ids)
    wrong = [
        msg_id
        for msg_id in ids
        if "json.dumps"
        not in ((answers[msg_id].get("result") or {}).get("contents") or {}).get("value", "")
    ]
    assert not wrong, f"{len(wrong)} of {ROUNDS} hovers answered from a later version"


def test_completion_between_changes_answers_and_ranges_from_its_version(
    server: WireServer,
) -> None:
    ids = []
    base = 100 + 2 * ROUNDS
    for index in range(ROUNDS):
        msg_id = 6000 + index
        ids.append(msg_id)
        server.send_raw(
            _full_change(base + 2 * index, "import json\njson.du\n")
            + _request(msg_id, "textDocument/completion", 1, 7)
            + _full_change(base + 2 * index + 1, "import json\nvalue = 1 + json.lo\n")
        )
    answers = _answers(server, ids)
    wrong = []
    for msg_id in ids:
        result = answers[msg_id].get("result") or {}
        items = {item["label"]: item for item in result.get("items", [])}
        dumps = items.get("dumps")
        expected = {"start": {"line": 1, "character": 5}, "end": {"line": 1, "character": 7}}
        if dumps is None or dumps["textEdit"]["range"] != expected:
            wrong.append(msg_id)
    assert not wrong, f"{len(wrong)} of {ROUNDS} completions answered from a later version"


def test_incremental_edits_pipelined_with_hovers(server: WireServer) -> None:
    """Edits that move the symbol, each followed by a hover at its new place, in one write."""
    server.send_raw(_full_change(1000, "import json\njson.dumps(1)\n"))
    data = b""
    ids = []
    for index in range(ROUNDS):
        msg_id = 7000 + index
        ids.append(msg_id)
        edit = {
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
            "text": " ",
        }
        data += _message(
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": URI, "version": 1001 + index},
                    "contentChanges": [edit],
                },
            }
        )
        data += _request(msg_id, "textDocument/hover", 1, index + 1 + 7)
    server.send_raw(data)
    answers = _answers(server, ids)
    wrong = []
    for index, msg_id in enumerate(ids):
        result = answers[msg_id].get("result") or {}
        start = index + 1
        expected = {
            "start": {"line": 1, "character": start},
            "end": {"line": 1, "character": start + 10},
        }
        if result.get("range") != expected:
            wrong.append((msg_id, result.get("range")))
    assert not wrong, f"{len(wrong)} of {ROUNDS} hovers off their version: {wrong[:3]}"


def test_close_and_reopen_with_the_same_version_between_hovers(server: WireServer) -> None:
    """[open v1, hover, close, open v1 (other text), hover] in one write, several times."""
    uri = "file:///pipelined/reopened.py"
    texts = {"json": "import json as m\nm.dumps(1)\n", "math": "import math as m\nm.floor(1)\n"}
    ids: dict[int, str] = {}
    for index in range(ROUNDS // 4):
        data = b""
        for offset, (module, text) in enumerate(texts.items()):
            msg_id = 8000 + 2 * index + offset
            ids[msg_id] = module
            item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
            data += _message({"method": "textDocument/didOpen", "params": {"textDocument": item}})
            data += _message(
                {
                    "id": msg_id,
                    "method": "textDocument/hover",
                    "params": {
                        "textDocument": {"uri": uri},
                        "position": {"line": 1, "character": 0},
                    },
                }
            )
            data += _message(
                {"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
            )
        server.send_raw(data)
    answers = _answers(server, list(ids))
    wrong = [
        (msg_id, module)
        for msg_id, module in ids.items()
        if f"module {module}"
        not in ((answers[msg_id].get("result") or {}).get("contents") or {}).get("value", "")
    ]
    assert not wrong, f"{len(wrong)} of {len(ids)} hovers read another opening: {wrong[:3]}"
