"""Protocol fuzzing against one running server: whatever arrives on stdin, the server must stay
up, never write an invalid frame, and keep answering a known hover with the official docs.

Every generated case leaves the byte stream at a frame boundary (a too-short body is padded,
trailing junk ends with a line break), so a failure means the server mishandled the case, not
that the test desynchronised the stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.peer import HardenedPeer, start_peer
from tests.wire import frame

FUZZ_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

#: Request ids the peer itself uses start above 1000; fuzzed ones stay clear of them.
fuzz_ids = st.one_of(
    st.integers(-(2**40), 999),
    st.text(max_size=8).map(lambda s: "fuzz-" + s),
    st.none(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)

METHODS = (
    "textDocument/hover",
    "textDocument/completion",
    "completionItem/resolve",
    "textDocument/signatureHelp",
    "workspace/symbol",
    "workspaceSymbol/resolve",
    "workspace/executeCommand",
    "workspace/didChangeConfiguration",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "docsDaemon/status",
    "$/cancelRequest",
    "$/setTrace",
    "initialize",
    "no/such/method",
    "$/unknownNotification",
    "",
)


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    """JSON-RPC-shaped objects with wrong types, unknown methods and ids on notifications."""
    message: dict[str, Any] = {}
    if draw(st.booleans()):
        message["jsonrpc"] = draw(st.sampled_from(["2.0", "1.0", 2, None]))
    else:
        message["jsonrpc"] = "2.0"
    message["method"] = draw(st.sampled_from(METHODS) | st.text(max_size=20) | json_values)
    if draw(st.booleans()):
        message["id"] = draw(fuzz_ids)
    if draw(st.booleans()):
        message["params"] = draw(json_values)
    else:
        message["params"] = {
            "textDocument": {"uri": draw(st.text(max_size=30) | json_values)},
            "position": {"line": draw(json_values), "character": draw(json_values)},
            "query": draw(st.text(max_size=30) | json_values),
        }
    if draw(st.booleans()):
        message["result"] = draw(json_values)
    return message


def _deep(depth: int) -> bytes:
    return (
        b'{"jsonrpc":"2.0","id":7,"method":"workspace/symbol","params":'
        + b"[" * depth
        + b"]" * depth
        + b"}"
    )


@st.composite
def raw_frames(draw: st.DrawFn) -> bytes:
    """Bytes on the wire: broken framing, broken JSON, broken UTF-8, huge and deep bodies."""
    kind = draw(
        st.sampled_from(
            [
                "message",
                "random_body",
                "invalid_utf8",
                "truncated",
                "short_length",
                "bad_header",
                "huge_string",
                "deep_nesting",
                "batch",
                "junk_line",
            ]
        )
    )
    body = json.dumps(draw(messages())).encode()
    if kind == "message":
        return frame(body)
    if kind == "random_body":
        return frame(draw(st.binary(min_size=1, max_size=200)))
    if kind == "invalid_utf8":
        cut = draw(st.integers(0, len(body)))
        return frame(
            body[:cut]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]))
            + body[cut:]
        )
    if kind == "truncated":
        cut = draw(st.integers(0, max(0, len(body) - 1)))
        # The header promises the whole body; what follows is padding, not the next frame.
        return b"Content-Length: %d\r\n\r\n" % len(body) + body[:cut] + b" " * (len(body) - cut)
    if kind == "short_length":
        cut = draw(st.integers(1, max(1, len(body) - 1)))
        return b"Content-Length: %d\r\n\r\n" % cut + body + b"\r\n"
    if kind == "bad_header":
        header = draw(
            st.sampled_from(
                [
                    b"Content-Length: abc\r\n",
                    b"Content-Length: -1\r\n",
                    b"Content-Length:12\r\n",
                    b"content-length: 12\r\n",
                    b"Content-Length: 1e3\r\n",
                    b"Content-Length: \r\n",
                    b"Content-Type: application/vscode-jsonrpc; charset=latin-1\r\n",
                    b"X-Junk: \xff\xfe\r\n",
                ]
            )
        )
        return header + b"\r\n" + body + b"\r\n"
    if kind == "huge_string":
        size = draw(st.sampled_from([10_000, 1_000_000, 4_000_000]))
        return frame(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": "fuzz-huge",
                    "method": draw(
                        st.sampled_from(["workspace/symbol", "textDocument/hover", "x" * size])
                    ),
                    "params": {
                        "query": "q" * size,
                        "textDocument": {"uri": "file:///" + "u" * size},
                        "position": {"line": 0, "character": 0},
                    },
                }
            ).encode()
        )
    if kind == "deep_nesting":
        return frame(_deep(draw(st.sampled_from([100, 5_000, 200_000]))))
    if kind == "batch":
        return frame(json.dumps([draw(messages()), draw(messages())]).encode())
    return draw(st.binary(max_size=100)).replace(b"\n", b"") + b"\r\n"


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HardenedPeer]:
    server = start_peer(tmp_path_factory.mktemp("fuzz-cache"))
    server.known_hover()
    yield server
    server.close()


def _check(peer: HardenedPeer) -> None:
    assert peer.alive(), f"the server died:\n{peer.stderr_text()[-4000:]}"
    peer.known_hover()
    assert not peer.bad_frames, f"the server wrote invalid frames: {peer.bad_frames[:3]}"


@FUZZ_SETTINGS
@given(data=raw_frames())
def test_mutated_frames(peer: HardenedPeer, data: bytes) -> None:
    peer.send_raw(data)
    _check(peer)


surrogate_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=200
) | st.sampled_from(
    [
        "import json\njson.dumps\N{PILE OF POO}(1)\n",
        "x = '\N{GRINNING FACE}\N{GRINNING FACE}'; import os; os.path.join('\N{GRINNING FACE}')\n",
        "\ud83d\ude00\ud800 import json\njson.\udfff",
        "import os\r\nos.path.join\r\n\r\n",
        "import json\n" + "json." * 2000 + "dumps\n",
        "\x00\x01\x02import json\njson.dumps\x00",
    ]
)
positions = st.fixed_dictionaries(
    {
        "line": st.one_of(st.integers(0, 5), st.integers(-3, 2**31 - 1)),
        "character": st.one_of(st.integers(0, 40), st.integers(-3, 2**31 - 1)),
    }
)
REQUESTS = ("textDocument/hover", "textDocument/completion", "textDocument/signatureHelp")


@FUZZ_SETTINGS
@given(
    text=surrogate_text,
    position=positions,
    method=st.sampled_from(REQUESTS),
    edit=st.booleans(),
    change_range=st.tuples(positions, positions),
)
def test_random_documents_and_positions(
    peer: HardenedPeer,
    text: str,
    position: dict[str, int],
    method: str,
    edit: bool,
    change_range: tuple[dict[str, int], dict[str, int]],
) -> None:
    uri = "file:///hardening/random.py"
    peer.open(uri, text)
    if edit:
        peer.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {
                        "range": {"start": change_range[0], "end": change_range[1]},
                        "text": "json.dumps\N{GRINNING FACE}",
                    }
                ],
            },
        )
    response = peer.request(method, {"textDocument": {"uri": uri}, "position": position})
    assert "result" in response or "error" in response
    if "error" in response:
        # Bad input is answered with an error, never with an internal failure.
        assert response["error"]["code"] != -32603, response
    _check(peer)


def test_absurd_content_length_is_not_fatal(tmp_path: Path) -> None:
    """A Content-Length no buffer can hold must be refused, not end the server.

    Found by this suite: pygls passes the number straight to ``stdin.read`` and the
    OverflowError escapes its read loop, so the server exits with a traceback.
    """
    server = start_peer(tmp_path / "cache")
    try:
        server.send_raw(b"Content-Length: 99999999999999999999\r\n\r\n{}\r\n")
        _check(server)
    finally:
        server.close()


def test_requests_with_the_same_id_in_flight(peer: HardenedPeer) -> None:
    """Duplicate ids (a client bug) get answers and leave the server sound."""
    for _ in range(3):
        peer.send(
            {"jsonrpc": "2.0", "id": 5, "method": "workspace/symbol", "params": {"query": "a"}}
        )
    _check(peer)


def test_notification_with_id_and_request_without_params(peer: HardenedPeer) -> None:
    peer.send({"jsonrpc": "2.0", "id": 6, "method": "textDocument/didOpen"})
    peer.send({"jsonrpc": "2.0", "id": 8, "method": "textDocument/hover"})
    peer.send(
        {"jsonrpc": "2.0", "method": "textDocument/hover", "params": {"textDocument": {"uri": 3}}}
    )
    _check(peer)
