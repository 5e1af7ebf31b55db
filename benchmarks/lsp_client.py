"""A JSON-RPC-over-stdio client of the benchmark's own: one language server as a subprocess,
Content-Length framing, many requests in flight at once (pipelining) and timings that include
nothing but the pipe and the server."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Client capabilities close to a real editor's: Markdown hovers, snippet-less completion with
#: lazy documentation, work-done progress, workspace configuration.
CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {
            "completionItem": {
                "documentationFormat": ["markdown", "plaintext"],
                "resolveSupport": {"properties": ["documentation", "detail"]},
            }
        },
        "signatureHelp": {"signatureInformation": {"documentationFormat": ["markdown"]}},
        "synchronization": {"didSave": True},
    },
    "workspace": {"configuration": True, "symbol": {}, "workspaceFolders": True},
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
}


class ResponseError(Exception):
    """The server answered a request with a JSON-RPC error."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        super().__init__(f"{method}: {error.get('code')} {error.get('message')}")
        self.error = error


class ServerExitedError(Exception):
    """The server's stdout closed while requests were waiting for answers."""


@dataclass
class LspClient:
    """One server process and the bookkeeping of its requests; create it with :meth:`spawn`."""

    process: asyncio.subprocess.Process
    spawned_at: float
    #: Answer to ``workspace/configuration`` requests (one item per requested section).
    configuration: Any = None
    notifications: list[tuple[float, str, Any]] = field(default_factory=list)
    _pending: dict[int, tuple[str, asyncio.Future[Any]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _reader: asyncio.Task[None] | None = None
    _stderr: asyncio.Task[None] | None = None
    stderr_tail: bytearray = field(default_factory=bytearray)
    _waiters: list[tuple[Callable[[str, Any], bool], asyncio.Future[Any]]] = field(
        default_factory=list
    )

    @classmethod
    async def spawn(
        cls,
        argv: Sequence[str],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> LspClient:
        """Start the server; ``spawned_at`` is the clock reading just before the fork."""
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            limit=1 << 26,
            start_new_session=True,
        )
        client = cls(process, started)
        client._reader = asyncio.create_task(client._read_loop())
        client._stderr = asyncio.create_task(client._drain_stderr())
        return client

    @property
    def pid(self) -> int:
        return self.process.pid

    # -- wire ------------------------------------------------------------------------------

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read_loop(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                length = -1
                while True:
                    line = await stdout.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii", "replace").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length < 0:
                    continue
                self._dispatch(json.loads(await stdout.readexactly(length)))
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            for method, future in self._pending.values():
                if not future.done():
                    future.set_exception(ServerExitedError(f"{method}: the server exited"))
            self._pending.clear()

    async def _drain_stderr(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        while chunk := await stderr.read(65536):
            self.stderr_tail += chunk
            del self.stderr_tail[:-8192]

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message:
            if "id" in message:
                self._answer_server_request(message)
            else:
                self.notifications.append(
                    (time.perf_counter(), message["method"], message.get("params"))
                )
                for predicate, future in list(self._waiters):
                    if not future.done() and predicate(message["method"], message.get("params")):
                        future.set_result(message.get("params"))
            return
        pending = self._pending.pop(message.get("id"), None)  # type: ignore[arg-type]
        if pending is None:
            return
        method, future = pending
        if future.done():
            return
        if "error" in message:
            future.set_exception(ResponseError(method, message["error"]))
        else:
            future.set_result(message.get("result"))

    def _answer_server_request(self, message: dict[str, Any]) -> None:
        result: Any = None
        if message["method"] == "workspace/configuration":
            items = (message.get("params") or {}).get("items", [])
            result = [self.configuration for _ in items]
        self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})

    # -- requests --------------------------------------------------------------------------

    def send_request(self, method: str, params: Any = None) -> asyncio.Future[Any]:
        """Send without waiting: the returned future resolves with the result (pipelining)."""
        msg_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = (method, future)
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return future

    async def request(self, method: str, params: Any = None, seconds: float = 30.0) -> Any:
        future = self.send_request(method, params)
        stdin = self.process.stdin
        assert stdin is not None
        await stdin.drain()
        return await asyncio.wait_for(future, seconds)

    def notify(self, method: str, params: Any = None) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def wait_notification(
        self, predicate: Callable[[str, Any], bool], seconds: float = 30.0
    ) -> Any:
        """The params of the first (past or future) notification matching ``predicate``."""
        for _, method, params in self.notifications:
            if predicate(method, params):
                return params
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, seconds)
        finally:
            self._waiters.remove(entry)

    # -- the LSP conversation --------------------------------------------------------------

    async def initialize(
        self,
        root: Path | None,
        options: Any = None,
        capabilities: dict[str, Any] | None = None,
        seconds: float = 60.0,
    ) -> Any:
        """``initialize`` then ``initialized``; returns the initialize result."""
        root_uri = root.as_uri() if root is not None else None  # root must be absolute
        result = await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "docs-daemon-bench"},
                "rootUri": root_uri,
                "rootPath": str(root) if root is not None else None,
                "workspaceFolders": (
                    [{"uri": root_uri, "name": root.name}] if root is not None else None
                ),
                "capabilities": capabilities if capabilities is not None else CAPABILITIES,
                "initializationOptions": options,
            },
            seconds=seconds,
        )
        self.notify("initialized", {})
        return result

    def did_open(self, uri: str, text: str, language: str = "python") -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
        )

    @staticmethod
    def position(uri: str, line: int, character: int) -> dict[str, Any]:
        return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}

    async def close(self, seconds: float = 5.0) -> int:
        """``shutdown`` + ``exit``; kill the whole process group if it does not leave."""
        if self.process.returncode is None:
            with contextlib.suppress(Exception):
                await self.request("shutdown", None, seconds=seconds)
                self.notify("exit")
                stdin = self.process.stdin
                assert stdin is not None
                await stdin.drain()
                stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), seconds)
            except TimeoutError:
                self.kill()
                await self.process.wait()
        self.kill()  # children of servers that forked (e.g. a Node runtime)
        for task in (self._reader, self._stderr):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        return self.process.returncode if self.process.returncode is not None else -1

    def kill(self) -> None:
        """Kill the server's process group (it was started in a session of its own)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, 9)


def hover_text(result: Any) -> str:
    """The text of a hover result in any of its LSP shapes ("" for none)."""
    if not isinstance(result, dict):
        return ""
    contents = result.get("contents")
    parts = contents if isinstance(contents, list) else [contents]
    texts = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict):
            texts.append(str(part.get("value", "")))
    return "\n".join(texts).strip()


def completion_items(result: Any) -> list[dict[str, Any]]:
    """Items of a completion result, whether a list or a CompletionList."""
    if isinstance(result, dict):
        return list(result.get("items") or [])
    return list(result or [])
