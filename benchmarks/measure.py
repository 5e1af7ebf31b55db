"""One round of the workload against one server: every figure the report compares."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsp_client import LspClient, ResponseError, ServerExitedError, completion_items, hover_text
from process_tree import RssSampler
from workload import FLOOD_QUERIES, SYMBOL_QUERIES, Workload, plain


@dataclass(frozen=True)
class ServerSpec:
    """How to start a server and what to tell it."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    #: ``initializationOptions``.
    options: Any = None
    #: Sent as ``workspace/didChangeConfiguration`` and returned for ``workspace/configuration``.
    settings: Any = None
    note: str = ""


@dataclass(frozen=True)
class Budget:
    """How many samples to take, and for how long at most once the minimum is reached."""

    samples: int = 200
    min_samples: int = 20
    seconds: float = 3.0
    pipelined: int = 500
    pipelined_timeout: float = 15.0
    first_hover_timeout: float = 60.0


@dataclass
class RoundResult:
    """Raw figures of one round; times in milliseconds, memory in bytes."""

    initialize_ms: float = 0.0
    first_hover_ms: float | None = None
    #: (symbol index, latency) for every sequential hover.
    hovers: list[tuple[int, float]] = field(default_factory=list)
    completions: list[float] = field(default_factory=list)
    completion_labels: list[str] = field(default_factory=list)
    resolves: list[float] = field(default_factory=list)
    symbols: list[float] = field(default_factory=list)
    flood_hovers: list[float] = field(default_factory=list)
    flood_searches: int = 0
    pipelined_ms: float | None = None
    pipelined_note: str = ""
    peak_rss: int = 0
    #: Symbol -> whether the hover held the official docs phrase.
    content: dict[str, bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    capabilities: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: a p99 is a latency that happened)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


async def _sampled(
    budget: Budget, action: Callable[[int], Awaitable[None]], samples: int | None = None
) -> list[float]:
    """Run ``action`` sequentially, timing each call, until enough samples or the budget."""
    timings: list[float] = []
    started = time.perf_counter()
    for index in range(samples or budget.samples):
        if index >= budget.min_samples and time.perf_counter() - started > budget.seconds:
            break
        before = time.perf_counter()
        await action(index)
        timings.append((time.perf_counter() - before) * 1e3)
    return timings


async def run_round(
    spec: ServerSpec, workload: Workload, workspace: Path, budget: Budget, cwd: Path
) -> RoundResult:
    """Spawn the server, run the whole workload once, shut it down."""
    result = RoundResult()
    client = await LspClient.spawn(spec.argv, cwd=cwd, env=spec.env)
    client.configuration = spec.settings
    sampler = RssSampler(client.pid)
    sampler.start()
    try:
        await _converse(client, spec, workload, workspace, budget, result)
    except (ResponseError, ServerExitedError, TimeoutError) as error:
        result.errors.append(f"{type(error).__name__}: {error}")
    finally:
        await sampler.stop()
        result.peak_rss = sampler.peak
        await client.close()
    return result


async def _converse(
    client: LspClient,
    spec: ServerSpec,
    workload: Workload,
    workspace: Path,
    budget: Budget,
    result: RoundResult,
) -> None:
    initialized = await client.initialize(workspace, spec.options)
    result.initialize_ms = (time.perf_counter() - client.spawned_at) * 1e3
    result.capabilities = initialized.get("capabilities", {})
    if spec.settings is not None:
        client.notify("workspace/didChangeConfiguration", {"settings": spec.settings})
    uri = (workspace / "sample.py").as_uri()
    completion_uri = (workspace / "completion.py").as_uri()
    client.did_open(uri, workload.source)
    client.did_open(completion_uri, workload.completion_source)
    points = workload.points

    def hover_params(index: int) -> dict[str, Any]:
        point = points[index % len(points)]
        return client.position(uri, point.line, point.character)

    # Spawn -> first hover that has content (servers may answer null while they start).
    deadline = time.monotonic() + budget.first_hover_timeout
    while time.monotonic() < deadline:
        if hover_text(await client.request("textDocument/hover", hover_params(0))):
            result.first_hover_ms = (time.perf_counter() - client.spawned_at) * 1e3
            break
        await asyncio.sleep(0.01)

    # Warm-up pass, which also checks each answer for the official docs' phrase.
    for index, point in enumerate(points):
        text = hover_text(await client.request("textDocument/hover", hover_params(index)))
        result.content[point.qualname] = point.phrase in plain(text)

    async def hover(index: int) -> None:
        await client.request("textDocument/hover", hover_params(index))

    timings = await _sampled(budget, hover)
    result.hovers = [(index % len(points), t) for index, t in enumerate(timings)]

    if result.capabilities.get("completionProvider"):
        await _completions(client, workload, completion_uri, budget, result)

    if result.capabilities.get("workspaceSymbolProvider"):

        async def symbol(index: int) -> None:
            query = SYMBOL_QUERIES[index % len(SYMBOL_QUERIES)]
            await client.request("workspace/symbol", {"query": query})

        result.symbols = await _sampled(budget, symbol)
        result.flood_hovers, result.flood_searches = await _flood(client, budget, hover)

    result.pipelined_ms, result.pipelined_note = await _pipelined(client, budget, hover_params)


async def _completions(
    client: LspClient, workload: Workload, completion_uri: str, budget: Budget, result: RoundResult
) -> None:
    """Completion after ``os.path.``, then resolving ``join`` when the server resolves."""
    completion_params = client.position(
        completion_uri, workload.completion_line, workload.completion_character
    )
    items: list[dict[str, Any]] = []

    async def complete(_: int) -> None:
        nonlocal items
        items = completion_items(await client.request("textDocument/completion", completion_params))

    result.completions = await _sampled(budget, complete)
    result.completion_labels = [str(item.get("label", "")) for item in items]

    if result.capabilities.get("completionProvider", {}).get("resolveProvider") and items:
        chosen = next((i for i in items if i.get("label") == "join"), items[0])

        async def resolve(_: int) -> None:
            await client.request("completionItem/resolve", chosen)

        result.resolves = await _sampled(budget, resolve)


async def _flood(
    client: LspClient, budget: Budget, hover: Callable[[int], Awaitable[None]]
) -> tuple[list[float], int]:
    """Hover latencies while another task keeps two one-letter searches in flight."""
    stop = asyncio.Event()
    searches = 0

    async def flood() -> None:
        nonlocal searches
        index = 0
        while not stop.is_set():
            pair = [
                client.send_request(
                    "workspace/symbol", {"query": FLOOD_QUERIES[(index + k) % len(FLOOD_QUERIES)]}
                )
                for k in range(2)
            ]
            index += 2
            await asyncio.gather(*pair, return_exceptions=True)
            searches += 2

    task = asyncio.create_task(flood())
    await asyncio.sleep(0.05)
    try:
        timings = await _sampled(budget, hover)
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, budget.seconds * 3)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return timings, searches


async def _pipelined(
    client: LspClient, budget: Budget, hover_params: Callable[[int], dict[str, Any]]
) -> tuple[float | None, str]:
    """Total time for ``budget.pipelined`` hovers all sent before the first answer is read."""
    started = time.perf_counter()
    futures = [
        client.send_request("textDocument/hover", hover_params(i)) for i in range(budget.pipelined)
    ]
    stdin = client.process.stdin
    assert stdin is not None
    await stdin.drain()
    try:
        answers = await asyncio.wait_for(
            asyncio.gather(*futures, return_exceptions=True), budget.pipelined_timeout
        )
    except TimeoutError:
        return None, f"not done after {budget.pipelined_timeout:.0f} s"
    elapsed = (time.perf_counter() - started) * 1e3
    failed = sum(isinstance(answer, BaseException) for answer in answers)
    return elapsed, (f"{failed} failed" if failed else "")
