"""What the document model costs, in-process through the server's real dispatch: one keystroke
(an incremental didChange) on a big file, the first read after it, and the document part of a
hover on an unchanged file (cursor, cached import scan, range back in client units).

    .venv/bin/python benchmarks/documents.py            # about 10 seconds
    .venv/bin/python benchmarks/documents.py --lines 20000

Prints medians and p90 in microseconds. Both figures must stay flat as the file grows: a
keystroke splices the lines it touches, and a hover does nothing proportional to the file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402

from docs_daemon.server import DocsServer, create_server  # noqa: E402

URI = "file:///bench/document.py"


class _Discard:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def _dispatch(server: DocsServer, payload: dict[str, Any]) -> None:
    protocol = server.protocol
    body = json.dumps({"jsonrpc": "2.0", **payload})
    protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))


def _summary(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p90 = ordered[int(0.9 * len(ordered))]
    return f"{name:40} median {statistics.median(seconds) * 1e6:8.1f} us   p90 {p90 * 1e6:8.1f} us"


def _server(lines: int) -> DocsServer:
    server = create_server([], False, Path(tempfile.mkdtemp(prefix="docs-daemon-bench-")))
    server.protocol.set_writer(_Discard())
    params = {"processId": None, "rootUri": None, "capabilities": {}}
    _dispatch(server, {"id": 1, "method": "initialize", "params": params})
    body = "".join(f"x_{i} = json.dumps({{'k': 'é😀'}}); os.path.join('a')\n" for i in range(lines))
    item = {"uri": URI, "languageId": "python", "version": 1, "text": "import os, json\n" + body}
    _dispatch(server, {"method": "textDocument/didOpen", "params": {"textDocument": item}})
    return server


async def _keystrokes(
    server: DocsServer, lines: int, count: int
) -> tuple[list[float], list[float]]:
    changes, reads = [], []
    for version in range(2, count + 2):
        line = lines // 2 + version % 50
        at = {"line": line, "character": 4}
        params = {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": "x"}],
        }
        started = time.perf_counter()
        _dispatch(server, {"method": "textDocument/didChange", "params": params})
        changed = time.perf_counter()
        cursor = await server.reader.cursor(URI, types.Position(line=line, character=3))
        assert cursor is not None and cursor.source
        done = time.perf_counter()
        changes.append(changed - started)
        reads.append(done - changed)
    return changes, reads


async def _hovers(server: DocsServer, lines: int, count: int) -> list[float]:
    async def once(line: int) -> None:
        cursor = await server.reader.cursor(URI, types.Position(line=line, character=25))
        assert cursor is not None
        server.reader.imports(cursor)
        cursor.client_range(cursor.line, 20, 30)

    for line in range(1, 200):
        await once(line % lines + 1)
    seconds = []
    for index in range(count):
        started = time.perf_counter()
        await once(index % lines + 1)
        seconds.append(time.perf_counter() - started)
    return seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5_000)
    parser.add_argument("--keystrokes", type=int, default=400)
    args = parser.parse_args()
    server = _server(args.lines)
    hovers = await _hovers(server, args.lines, 5_000)
    changes, reads = await _keystrokes(server, args.lines, args.keystrokes)
    print(f"{args.lines} lines, {args.keystrokes} keystrokes")
    print(_summary("didChange (one keystroke, dispatched)", changes))
    print(_summary("first cursor and text after it", reads))
    print(_summary("hover's document part, unchanged file", hovers))


if __name__ == "__main__":
    asyncio.run(main())
