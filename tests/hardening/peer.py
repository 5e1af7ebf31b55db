"""The bare wire peer, hardened: it survives anything the server sends and checks the one
thing every hardening test asks after its abuse: does a known hover still answer correctly?"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.wire import WireServer

KNOWN_URI = "file:///hardening/known.py"
KNOWN_TEXT = "import json\n\njson.dumps({'a': 1})\n"
KNOWN_POSITION = (2, 7)  # on "dumps"
#: The first words of json.dumps's summary in the official docs (the bundled database).
KNOWN_PHRASE = "Serialize"


class HardenedPeer(WireServer):
    """A server under test; counts frames the server sent that were not valid JSON-RPC."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.bad_frames: list[bytes] = []
        #: Every notification the server sent, in order (the queue's consumers drop them).
        self.notifications: list[dict[str, Any]] = []
        self._known_open = False
        super().__init__(*args, env=env)

    def _accept(self, body: bytes | None) -> None:
        if body is None:
            self.bad_frames.append(b"<headers without Content-Length>")
            return
        try:
            message = json.loads(body)
        except ValueError:
            self.bad_frames.append(body[:200])
            return
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            self.bad_frames.append(body[:200])
            return
        if "method" in message and "id" not in message:
            self.notifications.append(message)
        self.messages.put(message)

    def pipeline(self, calls: list[tuple[str, Any]], timeout: float = 15.0) -> list[dict[str, Any]]:
        """Send every request before reading any answer; the answers in request order."""
        ids = []
        for method, params in calls:
            self._next_id += 1
            ids.append(self._next_id)
            self.send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        pending = set(ids)
        answers: dict[int, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while pending:
            message = self.wait_for(
                lambda m: m.get("id") in pending and "method" not in m,
                timeout=max(0.01, deadline - time.monotonic()),
            )
            pending.discard(message["id"])
            answers[message["id"]] = message
        return [answers[i] for i in ids]

    def messages_shown(self) -> list[str]:
        return [
            str((n.get("params") or {}).get("message", ""))
            for n in self.notifications
            if n.get("method") == "window/showMessage"
        ]

    def close(self) -> int:
        """Shut down politely; kill a server that does not leave (and say so in the result)."""
        try:
            return super().close()
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return -9

    def alive(self) -> bool:
        return self.process.poll() is None

    def stderr_text(self) -> str:
        return b"".join(self.stderr_lines).decode("utf-8", "replace")

    def known_hover_params(self) -> dict[str, Any]:
        if not self._known_open:
            self.open(KNOWN_URI, KNOWN_TEXT)
            self._known_open = True
        return {
            "textDocument": {"uri": KNOWN_URI},
            "position": {"line": KNOWN_POSITION[0], "character": KNOWN_POSITION[1]},
        }

    def known_hover(self, timeout: float = 10.0, phrase: str = KNOWN_PHRASE) -> float:
        """Hover json.dumps in a known document; assert the official text; return seconds."""
        params = self.known_hover_params()
        started = time.monotonic()
        response = self.request("textDocument/hover", params, timeout=timeout)
        elapsed = time.monotonic() - started
        assert phrase in hover_value(response), (
            f"known hover lost its docs: {response}\n{self.stderr_text()[-3000:]}"
        )
        return elapsed

    def warm_inference(self, timeout: float = 60.0) -> None:
        """Hover a name only type inference can resolve, so the inference worker has started
        and warmed up (its memory belongs to the baseline of a memory measurement)."""
        uri = "file:///hardening/inferred.py"
        self.open(uri, 'value = "text"\nvalue.split()\n')
        params = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 9}}
        response = self.request("textDocument/hover", params, timeout=timeout)
        assert "str.split" in hover_value(response), response

    def wait_ready(self, timeout: float = 30.0) -> dict[str, Any]:
        """Block until the server's status says the documentation is loaded."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.request("docsDaemon/status", None, timeout=timeout)["result"]
            if status["state"] != "loading" or time.monotonic() > deadline:
                return dict(status)
            time.sleep(0.05)


def hover_value(response: dict[str, Any]) -> str:
    """The Markdown of a hover response ("" for null results and errors)."""
    result = response.get("result") or {}
    contents = result.get("contents", {}) if isinstance(result, dict) else {}
    return str(contents.get("value", "")) if isinstance(contents, dict) else str(contents)


def start_peer(cache_dir: Path, *args: str, pid: int | None = None) -> HardenedPeer:
    """A ready server (initialized, documentation loaded) with its own cache directory."""
    peer = HardenedPeer("--cache-dir", str(cache_dir), *args)
    peer.initialize(pid=pid)
    status = peer.wait_ready()
    assert status["state"] == "ready", status
    return peer
