"""Driving a real language server over stdio through the suite's own client: open each file,
hover each position (twice: cold, then warm), the shadowing scan, and the event-loop check."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsp_client import LspClient, hover_text

from realcode.sites import DATA_FLOW, Shadow, Site

HOVER_SECONDS = 30.0
#: Shadowing-scan hovers in flight at once (throughput only; not timed).
SCAN_IN_FLIGHT = 32


@dataclass
class Hovered:
    """Every answer and timing of one server over the sample."""

    #: key -> (pass-1 Markdown, pass-1 ms, pass-2 Markdown, pass-2 ms)
    answers: dict[str, tuple[str, float, str, float]] = field(default_factory=dict)
    #: Per file: ms of the first data-flow hover right after didOpen.
    first_in_file: list[tuple[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Isolation:
    alone: list[float]
    concurrent: list[float]
    background: list[float]


async def start(
    argv: Sequence[str], root: Path, options: Any = None, env: dict[str, str] | None = None
) -> LspClient:
    """Spawn and initialize; any failure here is fatal for the run (SystemExit, non-zero)."""
    try:
        client = await LspClient.spawn(argv, env=env)
        await client.initialize(root, options)
    except Exception as error:
        raise SystemExit(f"error: the server {' '.join(argv)} did not start: {error}") from error
    return client


def uri(root: Path, path: str) -> str:
    return (root / path).as_uri()


async def hover(client: LspClient, document: str, line: int, column: int) -> tuple[str, float]:
    started = time.perf_counter()
    result = await client.request(
        "textDocument/hover", client.position(document, line, column), seconds=HOVER_SECONDS
    )
    return hover_text(result), (time.perf_counter() - started) * 1000


def _utf16(text: str, column: int) -> int:
    return len(text[:column].encode("utf-16-le")) // 2


async def hover_sample(
    client: LspClient, root: Path, sites: Sequence[Site], sources: dict[str, str]
) -> Hovered:
    """Per file: didOpen, a data-flow position first (the first inference in a new file), the
    rest in order, then every position again on the now warm file."""
    out = Hovered()
    by_file: dict[str, list[Site]] = {}
    for site in sites:
        by_file.setdefault(site.path, []).append(site)
    for path in sorted(by_file):
        document = uri(root, path)
        lines = sources[path].splitlines()
        ordered = sorted(by_file[path], key=lambda s: (s.line, s.column))
        flow = [site for site in ordered if site.shape in DATA_FLOW]
        if flow:
            ordered.remove(flow[0])
            ordered.insert(0, flow[0])
        client.did_open(document, sources[path])
        first: dict[str, tuple[str, float]] = {}
        for site in ordered:
            column = _utf16(lines[site.line], site.cursor)
            try:
                first[site.key] = await hover(client, document, site.line, column)
            except (TimeoutError, Exception) as error:
                out.errors.append(f"{site.key}: {type(error).__name__}: {error}")
                first[site.key] = ("", float("nan"))
                if client.process.returncode is not None:
                    tail = client.stderr_tail[-2000:].decode(errors="replace")
                    raise SystemExit(f"error: the server exited: {tail}") from error
        if flow:
            out.first_in_file.append((path, first[flow[0].key][1]))
        for site in ordered:
            column = _utf16(lines[site.line], site.cursor)
            try:
                text, ms = await hover(client, document, site.line, column)
            except (TimeoutError, Exception) as error:
                out.errors.append(f"{site.key} (warm): {type(error).__name__}: {error}")
                text, ms = "", float("nan")
            out.answers[site.key] = (*first[site.key], text, ms)
    return out


async def scan_shadows(
    client: LspClient,
    root: Path,
    shadows: Sequence[Shadow],
    sources: dict[str, str],
    opened: set[str],
) -> dict[str, str]:
    """Hover every shadowing occurrence (pipelined, a bounded number in flight)."""
    answers: dict[str, str] = {}
    gate = asyncio.Semaphore(SCAN_IN_FLIGHT)

    async def one(shadow: Shadow) -> None:
        async with gate:
            line = sources[shadow.path].splitlines()[shadow.line]
            text, _ = await hover(
                client, uri(root, shadow.path), shadow.line, _utf16(line, shadow.cursor)
            )
            answers[shadow.key] = text

    for path, group in itertools.groupby(sorted(shadows, key=lambda s: s.path), lambda s: s.path):
        if path not in opened:
            client.did_open(uri(root, path), sources[path])
            opened.add(path)
        await asyncio.gather(*(one(shadow) for shadow in group))
    return answers


async def isolation(
    client: LspClient,
    root: Path,
    direct: Sequence[Site],
    flow_files: Sequence[tuple[str, Site]],
    sources: dict[str, str],
    hovers: int,
) -> Isolation:
    """Direct hovers on one warm file, alone and while another task reopens other files
    (changed text, so nothing is reused) and asks each for a data-flow hover."""
    path = direct[0].path
    document = uri(root, path)
    lines = sources[path].splitlines()
    positions = [(s.line, _utf16(lines[s.line], s.cursor)) for s in direct]

    async def foreground() -> list[float]:
        times = []
        for line, column in itertools.islice(itertools.cycle(positions), hovers):
            times.append((await hover(client, document, line, column))[1])
        return times

    alone = await foreground()
    stop = asyncio.Event()
    background: list[float] = []

    async def reopen() -> None:
        if not flow_files:
            return
        for version in itertools.count(2):
            for other, site in flow_files:
                if stop.is_set():
                    return
                other_uri = uri(root, other)
                client.notify("textDocument/didClose", {"textDocument": {"uri": other_uri}})
                text = sources[other] + f"\n# reopened {version}\n"
                client.notify(
                    "textDocument/didOpen",
                    {
                        "textDocument": {
                            "uri": other_uri,
                            "languageId": "python",
                            "version": version,
                            "text": text,
                        }
                    },
                )
                line = sources[other].splitlines()[site.line]
                column = _utf16(line, site.cursor)
                background.append((await hover(client, other_uri, site.line, column))[1])

    task = asyncio.create_task(reopen())
    await asyncio.sleep(0)
    concurrent = await foreground()
    stop.set()
    await task
    return Isolation(alone, concurrent, background)
