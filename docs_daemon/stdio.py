"""LSP over stdio read by the event loop itself, not by a thread per line.

pygls reads stdin through a thread pool: three thread hand-offs per message (header, blank
line, body), each a wake-up on a loaded machine. Reading the pipe with an asyncio stream costs
none; when stdin is not a pipe (a file, some terminals) pygls' reader is used as before.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

#: Most seconds spent releasing the store when the client is gone.
EXIT_TIMEOUT = 5.0
#: Largest message body accepted; a bigger Content-Length is a bad frame, not a 1 TB read.
MAX_BODY = 1 << 30
#: Longest header line kept whole; a longer one is garbage and is skipped.
_LINE_LIMIT = 1 << 20
#: What the message loop is given instead of a header line over the limit: a header it ignores.
OVERSIZED_LINE = b"X-Oversized-Line: dropped\r\n"


class PipeReader:
    """The reader pygls' message loop expects, over an asyncio stream, never raising."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream

    async def readline(self) -> bytes:
        try:
            return await self._stream.readline()
        except ValueError:  # a header line over the limit: asyncio dropped it
            return OVERSIZED_LINE

    async def readexactly(self, n: int) -> bytes:
        if n > MAX_BODY:  # no buffer holds that: refuse the frame, resynchronise on headers
            log.warning("refusing a %d-byte message body", n)
            return b"\0"
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError as error:  # the client went away mid-frame
            return error.partial


class _Discard:
    """A writer for after the client has gone: every answer is dropped."""

    def write(self, data: bytes) -> None:
        return None

    def close(self) -> None:
        return None


async def _serve(
    server: LanguageServer, stop: threading.Event, on_exit: Callable[[], Awaitable[None]]
) -> None:
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=_LINE_LIMIT)
    reader: PipeReader | StdinAsyncReader
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), sys.stdin.buffer)
        reader = PipeReader(stream)
    except (ValueError, OSError) as error:
        log.info("stdin is not a pipe (%s); reading it from a thread", error)
        reader = StdinAsyncReader(sys.stdin.buffer, server.thread_pool)
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    try:
        await run_async(
            stop_event=stop,
            reader=reader,
            protocol=server.protocol,
            logger=log,
            error_handler=functools.partial(_report, server),
        )
    finally:
        # The client is gone (or said exit): answers to requests still running have no
        # reader, and writing them would fill the log with broken-pipe tracebacks.
        server.protocol.set_writer(_Discard())
        # Release what keeps threads alive (database connections) or the process lingers.
        await asyncio.wait_for(on_exit(), timeout=EXIT_TIMEOUT)


def _report(server: LanguageServer, error: Exception, source: Any) -> None:
    """Report a message that could not be handled; a failure to report stops nothing."""
    try:
        server.report_server_error(error, source)
    except Exception as failure:
        log.warning("could not report %r: %s", error, failure)


def serve_stdio(server: LanguageServer, on_exit: Callable[[], Awaitable[None]]) -> None:
    """Serve one client on stdin/stdout until it exits or closes stdin, then run ``on_exit``."""
    stop = threading.Event()
    try:
        asyncio.run(_serve(server, stop, on_exit))
    except BrokenPipeError:
        log.error("the client closed the connection")
    except TimeoutError:
        # Queries still in flight hold database threads that would keep the process alive.
        log.error("closing the documentation store took longer than %s s", EXIT_TIMEOUT)
        logging.shutdown()
        os._exit(0)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
