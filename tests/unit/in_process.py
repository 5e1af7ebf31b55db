"""The real server's protocol driven in-process through pygls' own message loop: frames go in
as one buffered read (as a pipelining client's do), answers are collected as written."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.io_ import run_async

from docs_daemon.server import DocsServer, create_server
from docs_daemon.stdio import PipeReader

#: A request whose handler reads the document only after yielding to the event loop, like
#: every real feature does once it awaits the store.
READ_METHOD = "test/readDocument"


class Collected:
    """pygls' writer interface, keeping every message the server writes."""

    def __init__(self, answers: int) -> None:
        self.messages: list[dict[str, Any]] = []
        self._answers = answers
        #: Set once ``answers`` responses have been written.
        self.done = asyncio.Event()
        if answers == 0:
            self.done.set()

    def write(self, data: bytes) -> None:
        for part in data.split(b"\r\n\r\n")[1:]:
            self.messages.append(json.loads(part))
        if sum("id" in m and "method" not in m for m in self.messages) >= self._answers:
            self.done.set()

    def close(self) -> None:
        pass

    def answer(self, msg_id: int | str) -> dict[str, Any]:
        return next(m for m in self.messages if m.get("id") == msg_id and "method" not in m)


def reading_server(cache: Path) -> DocsServer:
    server = create_server([], use_bundled=False, cache_dir=cache)

    @server.feature(READ_METHOD)
    async def read(ls: DocsServer, params: Any) -> str | None:
        await asyncio.sleep(0)
        cursor = await ls.reader.cursor(params.uri, types.Position(line=0, character=0))
        return None if cursor is None else cursor.source

    return server


def message(payload: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def exchange(server: DocsServer, frames: Iterable[bytes], answers: int) -> Collected:
    """Feed ``frames`` in one read through pygls' loop; wait (10 s at most) until ``answers``
    responses have been written."""
    written = Collected(answers)
    server.protocol.set_writer(written)
    stream = asyncio.StreamReader()
    stream.feed_data(b"".join(frames))
    stream.feed_eof()
    await run_async(
        stop_event=threading.Event(),
        reader=PipeReader(stream),
        protocol=server.protocol,
        logger=logging.getLogger(__name__),
        error_handler=server.report_server_error,
    )
    await asyncio.wait_for(written.done.wait(), 10)
    return written
