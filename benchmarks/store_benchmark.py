"""Store benchmark: this store vs the naive design vs raw sqlite3, load time and RSS by size.

One run prints (and writes to benchmarks/results/store.md) median / p99 latencies in
microseconds per query kind for:

* **floor**: raw ``sqlite3`` on the store's own memory copy, same SQL, no event loop;
* **store**: ``DocStore`` (memdb copy, held aiosqlite lanes, pre-compiled statements);
* **naive**: the design the project started from: a shared-cache ``mode=memory`` URL kept
  alive by a sync engine, read through an ``AsyncSession`` per request, statements built
  per call (SQLAlchemy then picks a single shared connection for it);

then lookup latency while searches flood the store, and, in a fresh process per database
size (bundled, synthetic 10x and 50x), load time, RSS before/after load, after a hot-reload
swap and after close, and lookup/search latency at that size; with ``--library DIR``, in a
fresh process each, the stdlib alone against the stdlib plus every docset database in DIR
loaded on demand (peak RSS, hover lookups, searches). ``--build-library DIR`` first builds
such docsets with ``docs-daemon build`` from the Sphinx HTML of Debian's ``*-doc`` packages
found under /usr/share/doc and from installed packages (``--module``).

    python benchmarks/store_benchmark.py [--sizes 10,50] [--synthetic-dir DIR] [--rounds N]
        [--library DIR [--build-library]] [--only-library]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosqlite  # noqa: E402
from sqlalchemy import bindparam, column, create_engine, literal_column, select, table  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine  # noqa: E402
from sqlalchemy.pool import AsyncAdaptedQueuePool  # noqa: E402

from benchmarks.synthetic import make_synthetic, synthetic_path  # noqa: E402
from docs_daemon.bundled import bundled_database_path  # noqa: E402
from docs_daemon.schema import FTS_TABLE, entries  # noqa: E402
from docs_daemon.store import DocStore  # noqa: E402
from docs_daemon.store import statements as sql  # noqa: E402
from docs_daemon.store.ranking import fts_query, like_escape, prefix_range  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "store.md"
NOTES_MARKER = "<!-- notes below are kept when the benchmark rewrites this file -->"

#: Symbol-search queries typed in editors: names, prefixes, dotted, multi-word, one letter,
#: fuzzy, substring, nothing-matches, and FTS syntax.
SEARCH_QUERIES = [
    "dumps", "json", "path join", "os.path.jo", "odict", "OrderedDict", "a", "s", "get",
    "ickle", "read", "ThreadPool", "sock", "zzz", "split", "Decimal", "NEAR(", 'a "b',
]  # fmt: skip

Timer = Callable[[], Awaitable[object]]


def rss_bytes(field: str = "VmRSS") -> int:
    """Resident memory now (``VmRSS``) or at its peak so far (``VmHWM``)."""
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def summarize(samples: Sequence[float]) -> tuple[float, float]:
    """Median and p99 in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1e6, p99 * 1e6


async def time_async(calls: Sequence[Timer], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter()
            await call()
            samples.append(time.perf_counter() - started)
    return samples


def time_sync(calls: Sequence[Callable[[], object]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    return samples


@dataclass
class Workload:
    qualnames: list[str]
    parents: list[str]
    short_names: list[str]


def sample_workload(path: Path, count: int, seed: int = 7) -> Workload:
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT qualname, name FROM entries ORDER BY id").fetchall()
    parents = [
        row[0]
        for row in connection.execute(
            "SELECT parent FROM entries WHERE parent IS NOT NULL GROUP BY parent "
            "HAVING count(*) >= 3 ORDER BY parent"
        )
    ]
    connection.close()
    rng = random.Random(seed)
    picked = rng.sample(rows, min(count, len(rows)))
    return Workload(
        qualnames=[qualname for qualname, _ in picked],
        parents=rng.sample(parents, min(count // 3, len(parents))),
        short_names=[name for _, name in picked[: count // 3]],
    )


# -- the naive design (as measured in design.md), implemented here only to compare ------------


NAIVE_FTS = table(FTS_TABLE, column("rowid"))


class NaiveStore:
    """Shared-cache memory URL + sync keeper + AsyncSession per request, statements per call."""

    def __init__(self, path: Path) -> None:
        name = f"naive-{uuid.uuid4().hex}"
        url = f"sqlite+pysqlite:///file:{name}?mode=memory&cache=shared&uri=true"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the pool choice warning is part of the design
            self.keeper_engine = create_engine(url)
        self.keeper = self.keeper_engine.raw_connection()
        source = sqlite3.connect(path)
        source.backup(self.keeper.driver_connection)  # type: ignore[arg-type]
        source.close()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.engine = create_async_engine(
                f"sqlite+aiosqlite:///file:{name}?mode=memory&cache=shared&uri=true"
            )

    async def lookup(self, qualname: str) -> object:
        async with AsyncSession(self.engine) as session:
            result = await session.execute(select(entries).where(entries.c.qualname == qualname))
            return result.first()

    async def lookup_many(self, qualnames: list[str]) -> object:
        async with AsyncSession(self.engine) as session:
            result = await session.execute(select(entries).where(entries.c.qualname.in_(qualnames)))
            return result.all()

    async def members(self, parent: str, prefix: str = "") -> object:
        async with AsyncSession(self.engine) as session:
            result = await session.execute(
                select(entries)
                .where(entries.c.parent == parent, entries.c.name.like(like_escape(prefix) + "%"))
                .order_by(entries.c.name)
            )
            return result.all()

    async def search(self, query: str, limit: int = 50) -> object:
        match = fts_query(query.split(), min_length=1)
        if match is None:
            return []
        async with AsyncSession(self.engine) as session:
            result = await session.execute(
                select(entries)
                .join_from(entries, NAIVE_FTS, entries.c.id == NAIVE_FTS.c.rowid)
                .where(column(FTS_TABLE).op("MATCH")(bindparam("match")))
                .order_by(literal_column("rank"))
                .limit(limit),
                {"match": match},
            )
            return result.all()

    async def close(self) -> None:
        await self.engine.dispose()
        self.keeper.close()
        self.keeper_engine.dispose()


# -- the floor: raw sqlite3 on the store's memory copy ----------------------------------------


class Floor:
    def __init__(self, uri: str) -> None:
        self.connection = sqlite3.connect(uri, uri=True)
        self.connection.execute(f"PRAGMA mmap_size = {1 << 30}")

    def lookup(self, qualname: str) -> object:
        return self.connection.execute(sql.LOOKUP.sql, {"qualname": qualname}).fetchall()

    def lookup_many(self, qualnames: list[str]) -> object:
        params = sql.LOOKUP_MANY.bind(qualnames=json.dumps(qualnames))
        return self.connection.execute(sql.LOOKUP_MANY.sql, params).fetchall()

    def members(self, parent: str) -> object:
        low, high = prefix_range("")
        params = sql.MEMBERS.all_docsets.bind(parent=parent, low=low, high=high, cap=500)
        return self.connection.execute(sql.MEMBERS.all_docsets.sql, params).fetchall()

    def resolve(self, name: str) -> object:
        params = sql.RESOLVE_NAME.all_docsets.bind(name=name, cap=200)
        return self.connection.execute(sql.RESOLVE_NAME.all_docsets.sql, params).fetchall()

    def search(self, query: str) -> object:
        """The SQL of the store's first search query plus 50 briefs, unranked."""
        words = query.split()
        low, high = prefix_range(words[-1])
        parts: dict[str, Any] = {"name_low": low, "name_high": high, "cap": 200}
        match = fts_query(words)
        if match is not None:
            parts["match"] = match
        statement = sql.search_candidates(("name", "words") if match else ("name",)).all_docsets
        rows = self.connection.execute(statement.sql, statement.bind(**parts)).fetchall()
        ids = [row[0] for row in rows]
        params = sql.BRIEFS_BY_ID.bind(ids=json.dumps(ids[:50]))
        return self.connection.execute(sql.BRIEFS_BY_ID.sql, params).fetchall()

    def close(self) -> None:
        self.connection.close()


# -- part 1: per query kind on the bundled database --------------------------------------------


async def compare_designs(
    path: Path, rounds: int
) -> list[tuple[str, dict[str, tuple[float, float]]]]:
    workload = sample_workload(path, 300)
    store = DocStore([path])
    await store.wait_ready()
    (info,) = await store.databases()
    floor = Floor(info.uri)
    naive = NaiveStore(path)
    # What a hover asks: the qualified name under the cursor spelled a few ways, one real.
    hover_batches = [[f"builtins.{q}", q, f"{q}.__call__"] for q in workload.qualnames]
    kinds: list[tuple[str, list[Callable[[], object]], list[Timer], list[Timer]]] = [
        (
            "lookup",
            [functools.partial(floor.lookup, q) for q in workload.qualnames],
            [functools.partial(store.lookup, q) for q in workload.qualnames],
            [functools.partial(naive.lookup, q) for q in workload.qualnames],
        ),
        (
            "lookup_many (hover: 3 candidates)",
            [functools.partial(floor.lookup_many, q) for q in hover_batches],
            [functools.partial(store.lookup_many, q) for q in hover_batches],
            [functools.partial(naive.lookup_many, q) for q in hover_batches],
        ),
        (
            "members",
            [functools.partial(floor.members, p) for p in workload.parents],
            [functools.partial(store.members, p) for p in workload.parents],
            [functools.partial(naive.members, p) for p in workload.parents],
        ),
        (
            "resolve",
            [functools.partial(floor.resolve, n) for n in workload.short_names],
            [functools.partial(store.resolve, n) for n in workload.short_names],
            [],
        ),
        (
            "search",
            [functools.partial(floor.search, q) for q in SEARCH_QUERIES],
            [functools.partial(store.search, q) for q in SEARCH_QUERIES],
            [functools.partial(naive.search, q) for q in SEARCH_QUERIES],
        ),
    ]
    results = []
    for kind, floor_calls, store_calls, naive_calls in kinds:
        search_rounds = rounds * 10 if kind == "search" else rounds
        time_sync(floor_calls, 1)  # warm
        await time_async(store_calls, 1)
        row = {
            "floor": summarize(time_sync(floor_calls, search_rounds)),
            "store": summarize(await time_async(store_calls, search_rounds)),
        }
        if naive_calls:
            await time_async(naive_calls, 1)
            row["naive"] = summarize(await time_async(naive_calls, search_rounds))
        results.append((kind, row))
        print(f"  {kind}: " + ", ".join(f"{k} {v[0]:.0f}/{v[1]:.0f} us" for k, v in row.items()))
    floor.close()
    await naive.close()
    await store.close()
    return results


async def lookup_layers(path: Path, rounds: int) -> list[tuple[str, tuple[float, float]]]:
    """Where a point lookup's time goes, layer by layer, on one memory copy."""
    workload = sample_workload(path, 300)
    names = workload.qualnames
    store = DocStore([path])
    await store.wait_ready()
    database = store._scopes[0].db
    uri = database.info.uri
    # A second engine on the same memory copy: the store's own pool is all checked out as lanes.
    engine = create_async_engine(
        "sqlite+aiosqlite://",
        async_creator=lambda: aiosqlite.connect(uri, uri=True),
        poolclass=AsyncAdaptedQueuePool,
        pool_size=2,
    )
    statement = select(entries).where(entries.c.qualname == bindparam("q"))
    floor = Floor(database.info.uri)
    rows: list[tuple[str, tuple[float, float]]] = []
    rows.append(
        (
            "raw sqlite3, memory copy",
            summarize(time_sync([functools.partial(floor.lookup, q) for q in names], rounds)),
        )
    )

    async def driver(q: str) -> object:
        return await database.fetch(sql.LOOKUP, {"qualname": q})

    rows.append(
        (
            "held aiosqlite lane, pre-compiled SQL",
            summarize(await time_async([functools.partial(driver, q) for q in names], rounds)),
        )
    )
    async with engine.connect() as held:

        async def core_held(q: str) -> object:
            return (await held.execute(statement, {"q": q})).first()

        rows.append(
            (
                "SQLAlchemy async Core, held connection",
                summarize(
                    await time_async([functools.partial(core_held, q) for q in names], rounds)
                ),
            )
        )

    async def core_checkout(q: str) -> object:
        async with engine.connect() as connection:
            return (await connection.execute(statement, {"q": q})).first()

    rows.append(
        (
            "SQLAlchemy async Core, checkout per request",
            summarize(
                await time_async([functools.partial(core_checkout, q) for q in names], rounds)
            ),
        )
    )
    rows.append(
        (
            "DocStore.lookup (lane + Entry)",
            summarize(
                await time_async([functools.partial(store.lookup, q) for q in names], rounds)
            ),
        )
    )
    floor.close()
    await engine.dispose()
    await store.close()
    for label, (median, p99) in rows:
        print(f"  {label}: {median:.0f}/{p99:.0f} us")
    return rows


# -- part 2: isolation ----------------------------------------------------------------------


async def lookups_under_flood(
    lookup: Callable[[str], Awaitable[object]],
    search: Callable[[str], Awaitable[object]],
    names: Sequence[str],
    seconds: float,
) -> tuple[float, float, float, float]:
    """Lookup median/p99/max (us) while 2 tasks search without pause; searches per second."""
    stop = asyncio.Event()
    searches = 0

    async def flood(queries: Sequence[str]) -> None:
        nonlocal searches
        while not stop.is_set():
            for query in queries:
                await search(query)
                searches += 1

    floods = [asyncio.create_task(flood(SEARCH_QUERIES[i::2])) for i in range(2)]
    samples = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for name in names:
            begin = time.perf_counter()
            await lookup(name)
            samples.append(time.perf_counter() - begin)
            await asyncio.sleep(0.001)
    stop.set()
    await asyncio.gather(*floods)
    median, p99 = summarize(samples)
    return median, p99, max(samples) * 1e6, searches / seconds


async def isolation(
    path: Path, seconds: float
) -> list[tuple[str, tuple[float, float, float, float]]]:
    names = sample_workload(path, 60).qualnames
    rows = []
    for pool in (1, 2, 4, 6):
        store = DocStore([path], pool_size=pool)
        await store.wait_ready()
        search = functools.partial(store.search, limit=200)
        result = await lookups_under_flood(store.lookup, search, names, seconds)
        rows.append((f"store, {pool} connection(s)", result))
        await store.close()
    naive = NaiveStore(path)
    result = await lookups_under_flood(naive.lookup, lambda q: naive.search(q, 200), names, seconds)
    rows.append(("naive (one shared connection)", result))
    await naive.close()
    for label, (median, p99, worst, rate) in rows:
        print(f"  {label}: lookup {median:.0f}/{p99:.0f}/max {worst:.0f} us, {rate:.0f} searches/s")
    return rows


# -- part 3: load and memory by size, one fresh process per database ----------------------------


async def size_worker(path: Path, rounds: int) -> dict[str, Any]:
    """Runs in its own process: load, RSS, latencies, reload swap, close."""
    workload = sample_workload(path, 300)
    before = rss_bytes()
    store = DocStore([path])
    started = time.perf_counter()
    await store.wait_ready()
    load = time.perf_counter() - started
    loaded = rss_bytes()
    lookups = summarize(
        await time_async([functools.partial(store.lookup, q) for q in workload.qualnames], rounds)
    )
    searches = summarize(
        await time_async([functools.partial(store.search, q) for q in SEARCH_QUERIES], rounds * 5)
    )
    members = summarize(
        await time_async([functools.partial(store.members, p) for p in workload.parents], rounds)
    )
    queried = rss_bytes()
    os.utime(path)  # a "rebuild": the watcher sees a new mtime and swaps in a fresh copy
    await store.reload()
    swapped = rss_bytes()
    (info,) = await store.databases()
    await store.close()
    closed = rss_bytes()
    return {
        "size": info.size_bytes,
        "load_ms": load * 1e3,
        "reload_ms": info.load_seconds * 1e3,
        "rss_before": before,
        "rss_loaded": loaded,
        "rss_queried": queried,
        "rss_swapped": swapped,
        "rss_closed": closed,
        "lookup": lookups,
        "search": searches,
        "members": members,
    }


def measure_size(path: Path, rounds: int) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--size-worker", str(path), "--rounds", str(rounds)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def load_times(path: Path, repeats: int) -> tuple[float, float]:
    """Median and best load time (ms) of the bundled database over several loads."""

    async def once() -> float:
        store = DocStore([path])
        started = time.perf_counter()
        await store.wait_ready()
        elapsed = time.perf_counter() - started
        await store.close()
        return elapsed * 1e3

    samples = [asyncio.run(once()) for _ in range(repeats)]
    return statistics.median(samples), min(samples)


# -- part 4: a library of docsets loaded on demand, one fresh process per configuration ---------

#: Debian documentation packages whose Sphinx HTML makes a third-party docset.
DEBIAN_DOCS = ("python-flask-doc", "python-werkzeug-doc", "python-jinja2-doc", "python-django-doc")
#: Installed packages documented by introspection, until the library has ten docsets.
MODULE_DOCS = ("sqlalchemy", "matplotlib", "rich", "pygls", "lsprotocol", "websockets", "attr")
LIBRARY_SIZE = 10


def build_library(directory: Path) -> None:
    """Build up to ``LIBRARY_SIZE`` real docsets into ``directory`` (kept between runs)."""
    directory.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "docs_daemon", "build", "--quiet"]
    sources = [
        (package.removeprefix("python-").removesuffix("-doc"), [str(html)])
        for package in DEBIAN_DOCS
        if (html := Path("/usr/share/doc") / package / "html").joinpath("objects.inv").is_file()
    ]
    sources += [(module, ["--module", module]) for module in MODULE_DOCS]
    built = len(library_docsets(directory))
    for name, source in sources:
        target = directory / f"{name}.sqlite"
        if built >= LIBRARY_SIZE or target.exists():
            continue
        print(f"building the {name} docset...")
        done = subprocess.run([*command, *source, "--output", str(target)], check=False)
        built += done.returncode == 0 and target.exists()


def library_docsets(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sqlite"))[:LIBRARY_SIZE]


def _hover_batches(names: Sequence[str]) -> list[list[str]]:
    """What a hover asks: the name under the cursor spelled a few ways, one of them real."""
    return [[f"builtins.{q}", q, f"{q}.__call__"] for q in names]


async def library_worker(directory: Path | None, rounds: int) -> dict[str, Any]:
    """Runs in its own process: the server's imports, the stdlib, then (with ``directory``)
    every docset there loaded on demand; latencies, then RSS now and at its peak."""
    import docs_daemon.server  # noqa: F401  (the daemon's own imports: RSS is the server's)

    bundled = bundled_database_path()
    docsets = library_docsets(directory) if directory else []
    stdlib_names = sample_workload(bundled, 300).qualnames
    third_party = [q for path in docsets for q in sample_workload(path, 30).qualnames]
    imported = rss_bytes()
    store = DocStore(stdlib=[bundled])
    await store.wait_ready()
    loads = []
    for path in docsets:
        started = time.perf_counter()
        await store.load(path)
        loads.append(time.perf_counter() - started)
    loaded = rss_bytes()
    stdlib_hovers = _hover_batches(stdlib_names)
    for calls in (stdlib_hovers, _hover_batches(third_party)):
        await time_async([functools.partial(store.lookup_many, q) for q in calls], 1)  # warm
    result = {
        "databases": len(await store.databases()),
        "megabytes": sum(path.stat().st_size for path in [bundled, *docsets]) / (1 << 20),
        "load_ms": (statistics.median(loads) * 1e3, max(loads) * 1e3) if loads else None,
        "hover_stdlib": summarize(
            await time_async(
                [functools.partial(store.lookup_many, q) for q in stdlib_hovers], rounds
            )
        ),
        "hover_third_party": summarize(
            await time_async(
                [functools.partial(store.lookup_many, q) for q in _hover_batches(third_party)],
                rounds,
            )
        )
        if third_party
        else None,
        "search": summarize(
            await time_async([functools.partial(store.search, q) for q in SEARCH_QUERIES], rounds)
        ),
        "rss_imported": imported,
        "rss_loaded": loaded,
        "rss_peak": rss_bytes("VmHWM"),
    }
    await store.close()
    return result


def measure_library(directory: Path | None, rounds: int) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--library-worker", str(directory or ""), "--rounds"]
    output = subprocess.run([*argv, str(rounds)], check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def render_library(alone: dict[str, Any], library: dict[str, Any]) -> str:
    def pair(values: Sequence[float] | None) -> str:
        return "—" if values is None else f"{values[0]:.0f} / {values[1]:.0f}"

    lines = [
        "## A library of docsets loaded on demand (a fresh process each)",
        "",
        "The process imports the server's modules first, so RSS is the daemon's. Hover = "
        "`lookup_many` of three spellings of a name, one real (stdlib names, or names of the "
        "loaded docsets); search = the typed queries above. Docset load = `DocStore.load`, "
        "median / slowest.",
        "",
        "| databases | MiB on disk | docset load ms | hover, stdlib names | hover, docset names "
        "| search | RSS after imports | RSS loaded | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in (alone, library):
        lines.append(
            f"| {row['databases']} | {row['megabytes']:.1f} | {pair(row['load_ms'])} "
            f"| {pair(row['hover_stdlib'])} | {pair(row['hover_third_party'])} "
            f"| {pair(row['search'])} | {_mib(row['rss_imported'])} | {_mib(row['rss_loaded'])} "
            f"| {_mib(row['rss_peak'])} |"
        )
    ratio = library["rss_peak"] / alone["rss_peak"]
    lines += ["", f"Peak RSS with {library['databases']} databases: {ratio:.2f}x the stdlib's."]
    return "\n".join(lines) + "\n"


# -- report ---------------------------------------------------------------------------------


def _mib(value: float) -> str:
    return f"{value / (1 << 20):.1f}"


def render(
    designs: list[tuple[str, dict[str, tuple[float, float]]]],
    layers: list[tuple[str, tuple[float, float]]],
    isolated: list[tuple[str, tuple[float, float, float, float]]],
    sizes: list[tuple[str, dict[str, Any]]],
    bundled_load: tuple[float, float],
) -> str:
    def pair(values: Sequence[float]) -> str:
        return f"{values[0]:.0f} / {values[1]:.0f}"

    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Store benchmark",
        "",
        f"Generated by `python benchmarks/store_benchmark.py` on {now}, {os.cpu_count()} CPUs, "
        f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}. Times in "
        "microseconds, median / p99. The machine is shared and noisy: p99 moves by ±50% "
        "between runs.",
        "",
        "## Per query kind, bundled stdlib database",
        "",
        "| query | floor (raw sqlite3) | this store | naive design "
        "| store ÷ floor (median) | naive ÷ store (median) |",
        "|---|---|---|---|---|---|",
    ]
    for kind, row in designs:
        floor, store = row["floor"], row["store"]
        naive = row.get("naive")
        naive_cells = (pair(naive), f"{naive[0] / store[0]:.1f}x") if naive else ("—", "—")
        lines.append(
            f"| {kind} | {pair(floor)} | {pair(store)} | {naive_cells[0]} "
            f"| {store[0] / floor[0]:.1f}x | {naive_cells[1]} |"
        )
    lines += [
        "",
        "Floor search = the SQL of the store's first candidate query plus fetching 50 briefs, "
        "without ranking; naive search = one FTS5 query ranked by bm25 (`ORDER BY rank`) "
        "through an `AsyncSession`.",
        "",
        "## Where a point lookup's time goes",
        "",
        "| layer | median | p99 |",
        "|---|---|---|",
    ]
    lines += [f"| {label} | {m:.0f} | {p:.0f} |" for label, (m, p) in layers]
    lines += [
        "",
        "## Lookups while two tasks flood the store with searches (limit 200)",
        "",
        "| design | lookup median | lookup p99 | lookup max | searches/s |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {label} | {m:.0f} | {p:.0f} | {w:.0f} | {r:.0f} |" for label, (m, p, w, r) in isolated
    ]
    lines += [
        "",
        "## Load and memory by size (a fresh process each)",
        "",
        f"Bundled database loaded 5 times in this process: median {bundled_load[0]:.0f} ms, "
        f"best {bundled_load[1]:.0f} ms. RSS columns are growth over the process before loading.",
        "",
        "| database | MiB | load ms | RSS MiB (x size) | after queries | after reload swap "
        "| after close | lookup | members | search |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in sizes:
        base = r["rss_before"]
        growth = r["rss_loaded"] - base
        lines.append(
            f"| {label} | {_mib(r['size'])} | {r['load_ms']:.0f} "
            f"| {_mib(growth)} ({growth / r['size']:.2f}x) | {_mib(r['rss_queried'] - base)} "
            f"| {_mib(r['rss_swapped'] - base)} | {_mib(r['rss_closed'] - base)} "
            f"| {pair(r['lookup'])} | {pair(r['members'])} | {pair(r['search'])} |"
        )
    return "\n".join(lines) + "\n"


def write_results(table: str) -> None:
    notes = ""
    if RESULTS.exists():
        text = RESULTS.read_text()
        if NOTES_MARKER in text:
            notes = text.split(NOTES_MARKER, 1)[1]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table + "\n" + NOTES_MARKER + notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50", help="synthetic size factors ('' for none)")
    parser.add_argument("--synthetic-dir", type=Path, help="reuse/keep synthetic databases here")
    parser.add_argument("--rounds", type=int, default=5, help="passes over each workload")
    parser.add_argument("--flood-seconds", type=float, default=1.5)
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {RESULTS.name}")
    parser.add_argument("--library", type=Path, help="also measure the docsets in DIR loaded")
    parser.add_argument("--build-library", action="store_true", help="first build them")
    parser.add_argument("--only-library", action="store_true", help="only that (no write)")
    parser.add_argument("--size-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--library-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.size_worker:
        print(json.dumps(asyncio.run(size_worker(args.size_worker, args.rounds))))
        return 0
    if args.library_worker is not None:
        directory = Path(args.library_worker) if args.library_worker else None
        print(json.dumps(asyncio.run(library_worker(directory, args.rounds))))
        return 0
    library_table = ""
    if args.library:
        if args.build_library:
            build_library(args.library)
        print("library (stdlib alone, then with the docsets):")
        library_table = render_library(
            measure_library(None, args.rounds), measure_library(args.library, args.rounds)
        )
        print(library_table)
        if args.only_library:
            return 0

    bundled = bundled_database_path()
    work = Path(tempfile.mkdtemp(prefix="docs-daemon-bench-"))
    synthetic_dir = args.synthetic_dir or work
    synthetic_dir.mkdir(parents=True, exist_ok=True)
    try:
        print("per query kind (median/p99):")
        designs = asyncio.run(compare_designs(bundled, args.rounds))
        print("lookup layers:")
        layers = asyncio.run(lookup_layers(bundled, args.rounds))
        print("isolation:")
        isolated = asyncio.run(isolation(bundled, args.flood_seconds))
        bundled_load = load_times(bundled, 5)
        print(f"bundled load: median {bundled_load[0]:.0f} ms, best {bundled_load[1]:.0f} ms")
        sizes = []
        copy = work / bundled.name  # the size worker touches its file to force a reload
        shutil.copyfile(bundled, copy)
        sizes.append(("stdlib (bundled)", measure_size(copy, args.rounds)))
        for factor in [int(f) for f in args.sizes.split(",") if f.strip()]:
            target = synthetic_path(synthetic_dir, bundled, factor)
            if not target.exists():
                print(f"building the {factor}x database...")
                make_synthetic(bundled, target, factor)
            sizes.append((f"synthetic {factor}x", measure_size(target, args.rounds)))
        for label, result in sizes:
            search = result["search"]
            load = result["load_ms"]
            print(f"  {label}: load {load:.0f} ms, search p50/p99 {search[0]:.0f}/{search[1]:.0f}")
        table = render(designs, layers, isolated, sizes, bundled_load)
        if library_table:
            table += "\n" + library_table
        print(table)
        if not args.no_write:
            write_results(table)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
