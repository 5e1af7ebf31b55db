"""Cost against database size: docs-daemon on the bundled database and on N-times copies."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsp_client import CAPABILITIES, LspClient
from measure import Budget, median, percentile
from process_tree import RssSampler, tree_rss
from workload import FLOOD_QUERIES, SYMBOL_QUERIES, Workload

READY_TIMEOUT = 180.0


@dataclass
class ScaleResult:
    factor: int
    size_bytes: int
    #: Spawn -> the server's status says ready (imports + copy into memory + checks).
    ready_ms: float = 0.0
    rss_after_load: int = 0
    peak_rss: int = 0
    hovers: list[float] = field(default_factory=list)
    searches: list[float] = field(default_factory=list)
    broad_searches: list[float] = field(default_factory=list)
    #: The typed queries again from a client that resolves symbol locations lazily (VS Code):
    #: no documentation page is written while searching.
    lazy_searches: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def measure_scale(
    factor: int,
    database: Path,
    bundled: bool,
    workload: Workload,
    workspace: Path,
    budget: Budget,
    cwd: Path,
) -> ScaleResult:
    """One docs-daemon serving ``database`` alone: load time, memory, hover and search cost."""
    argv = [sys.executable, "-m", "docs_daemon", "serve", "--cache-dir", str(workspace / "cache")]
    if not bundled:
        argv += ["--no-bundled", "--db", str(database)]
    result = ScaleResult(factor, await asyncio.to_thread(lambda: database.stat().st_size))
    client = await LspClient.spawn(argv, cwd=cwd)
    sampler = RssSampler(client.pid)
    sampler.start()
    try:
        await client.initialize(workspace)
        await client.wait_notification(
            lambda method, params: (
                method == "docsDaemon/status"
                and isinstance(params, dict)
                and params.get("state") in ("ready", "failed")
            ),
            seconds=READY_TIMEOUT,
        )
        result.ready_ms = (time.perf_counter() - client.spawned_at) * 1e3
        result.rss_after_load = tree_rss(client.pid)
        uri = (workspace / "sample.py").as_uri()
        client.did_open(uri, workload.source)
        points = workload.points

        def hover(index: int) -> Awaitable[Any]:
            point = points[index % len(points)]
            return client.request(
                "textDocument/hover", client.position(uri, point.line, point.character)
            )

        await _timed(len(points), hover)  # warm-up
        result.hovers = await _timed(budget.samples, hover)
        result.searches = await _timed(
            budget.samples,
            lambda i: client.request(
                "workspace/symbol", {"query": SYMBOL_QUERIES[i % len(SYMBOL_QUERIES)]}
            ),
        )
        result.broad_searches = await _timed(
            len(FLOOD_QUERIES) * 2,
            lambda i: client.request(
                "workspace/symbol", {"query": FLOOD_QUERIES[i % len(FLOOD_QUERIES)]}
            ),
        )
    except Exception as error:
        result.errors.append(f"{type(error).__name__}: {error}")
    finally:
        await sampler.stop()
        result.peak_rss = sampler.peak
        await client.close()
    try:
        result.lazy_searches = await _lazy_searches(argv, cwd, workspace, budget)
    except Exception as error:
        result.errors.append(f"lazy: {type(error).__name__}: {error}")
    return result


LAZY_CAPABILITIES = {
    **CAPABILITIES,
    "workspace": {
        **CAPABILITIES["workspace"],
        "symbol": {"resolveSupport": {"properties": ["location.range"]}},
    },
}


async def _lazy_searches(
    argv: list[str], cwd: Path, workspace: Path, budget: Budget
) -> list[float]:
    client = await LspClient.spawn(argv, cwd=cwd)
    try:
        await client.initialize(workspace, capabilities=LAZY_CAPABILITIES)
        await client.wait_notification(
            lambda method, params: (
                method == "docsDaemon/status"
                and isinstance(params, dict)
                and params.get("state") in ("ready", "failed")
            ),
            seconds=READY_TIMEOUT,
        )
        return await _timed(
            budget.samples,
            lambda i: client.request(
                "workspace/symbol", {"query": SYMBOL_QUERIES[i % len(SYMBOL_QUERIES)]}
            ),
        )
    finally:
        await client.close()


async def _timed(count: int, action: Callable[[int], Awaitable[Any]]) -> list[float]:
    timings = []
    for index in range(count):
        before = time.perf_counter()
        await action(index)
        timings.append((time.perf_counter() - before) * 1e3)
    return timings


@dataclass
class ScaleSummary:
    """One size over several rounds: each figure is the median of the rounds' figures."""

    factor: int
    size_bytes: int
    rounds: int
    ready_ms: float | None
    rss_after_load: float | None
    peak_rss: float | None
    hover_median: float | None
    hover_p99: float | None
    search_median: float | None
    search_p99: float | None
    broad_p99: float | None
    lazy_p99: float | None
    errors: list[str]


def summarize(results: list[ScaleResult]) -> ScaleSummary:
    def over(figure: Callable[[ScaleResult], float | None]) -> float | None:
        values = [v for v in (figure(r) for r in results) if v is not None]
        return statistics.median(values) if values else None

    def p99(attribute: str) -> Callable[[ScaleResult], float | None]:
        return lambda r: percentile(getattr(r, attribute), 0.99) if getattr(r, attribute) else None

    def mid(attribute: str) -> Callable[[ScaleResult], float | None]:
        return lambda r: median(getattr(r, attribute)) if getattr(r, attribute) else None

    first = results[0]
    return ScaleSummary(
        factor=first.factor,
        size_bytes=first.size_bytes,
        rounds=len(results),
        ready_ms=over(lambda r: r.ready_ms or None),
        rss_after_load=over(lambda r: r.rss_after_load or None),
        peak_rss=over(lambda r: r.peak_rss or None),
        hover_median=over(mid("hovers")),
        hover_p99=over(p99("hovers")),
        search_median=over(mid("searches")),
        search_p99=over(p99("searches")),
        broad_p99=over(p99("broad_searches")),
        lazy_p99=over(p99("lazy_searches")),
        errors=[error for r in results for error in r.errors],
    )
