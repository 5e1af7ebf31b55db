"""A bare JSON-RPC-over-stdio peer for tests that must send what no polite client would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from queue import Empty, Queue
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


class WireServer:
    """The real server as a subprocess; writes raw bytes, reads framed messages on a thread."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "docs_daemon", "serve", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        self.messages: Queue[dict[str, Any]] = Queue()
        #: How to answer the server's own requests, by method (default: a null result).
        self.answers: dict[str, Callable[[Any], Any]] = {}
        #: Every request and every notification the server sent, in order.
        self.server_requests: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self._next_id = 1000
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr_lines: list[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def _read(self) -> None:
        try:
            for body in self._frames():
                self._accept(body)
        except (OSError, ValueError):  # the test closed our end of the pipe
            return

    def _frames(self) -> Iterator[bytes | None]:
        """Each frame's body as the server wrote it; ``None`` for headers with no length."""
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            yield None if length is None else stream.read(length)

    def _accept(self, body: bytes | None) -> None:
        if body is not None:
            message = json.loads(body)
            if "method" in message and "id" not in message:
                self.notifications.append(message)
            self.messages.put(message)

    def send_raw(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(frame(json.dumps(message).encode()))

    def request(self, method: str, params: Any = None, timeout: float = 10.0) -> dict[str, Any]:
        """Send a request and return its response, answering the server's own requests."""
        self._next_id += 1
        msg_id = self._next_id
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching message from the server")
            try:
                message = self.messages.get(timeout=remaining)
            except Empty:
                continue
            if "method" in message and "id" in message:  # a request from the server: answer it
                self.server_requests.append(message)
                answer = self.answers.get(message["method"], lambda params: None)
                result = answer(message.get("params"))
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            if predicate(message):
                return message

    def initialize(self, options: dict[str, Any] | None = None, pid: int | None = None) -> None:
        response = self.request(
            "initialize",
            {
                "processId": pid,
                "rootUri": None,
                "capabilities": {},
                "initializationOptions": options,
            },
            timeout=30,
        )
        assert "result" in response, response
        self.notify("initialized", {})

    def open(self, uri: str, text: str) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )

    def hover(self, uri: str, line: int, character: int, timeout: float = 10.0) -> dict[str, Any]:
        return self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
            timeout,
        )

    def close(self) -> int:
        if self.process.poll() is None:
            try:
                self.request("shutdown", timeout=5)
                self.notify("exit")
            except (OSError, TimeoutError):
                pass
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
