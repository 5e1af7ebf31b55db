"""The benchmark suite: docs-daemon against the naive design and the peer servers, same
workload over stdio, then cost against database size. Writes benchmarks/results/latest.md
and PNGs beside it.

    .venv/bin/python benchmarks/run.py            # full run, about 5 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # about a minute
    sh benchmarks/install_peers.sh                # once, to compare against the peers

Numbers from shared machines are noisy: every server runs several rounds (fresh process
each), the report shows the median over rounds and marks figures whose rounds spread widely.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

import report  # noqa: E402
import scale  # noqa: E402
import scale_databases  # noqa: E402
import workload  # noqa: E402
from measure import Budget, RoundResult, ServerSpec, run_round  # noqa: E402

PEERS = BENCH / ".peers" / "bin"
RESULTS = BENCH / "results"
BUNDLED = ROOT / "data" / "python-3.11.sqlite"
#: Servers of this project (more rounds: they are cheap); the rest are peers.
OURS = ("docs-daemon", "naive", "pygls floor")


def server_specs(cache_dir: Path) -> list[tuple[ServerSpec, str]]:
    """Every server of the comparison and why it is missing ("" when it can run)."""
    python = sys.executable
    pylsp_note = "pylsp formats each hover's signature by running its formatter (black)"
    specs = [
        ServerSpec(
            "docs-daemon",
            (python, "-m", "docs_daemon", "serve", "--cache-dir", str(cache_dir)),
        ),
        ServerSpec(
            "naive",
            (python, str(BENCH / "naive_server.py"), "--db", str(BUNDLED)),
            env={"PYTHONPATH": str(ROOT)},
            note="the starting design: shared-cache memory URL + AsyncSession per request",
        ),
        ServerSpec(
            "pygls floor",
            (python, str(BENCH / "floor_server.py")),
            note="a stock pygls server answering every hover with a fixed text: the floor of "
            "pygls' own stdio transport (docs-daemon reads stdin with its own reader)",
        ),
        ServerSpec("jedi-language-server", (str(PEERS / "jedi-language-server"),)),
        ServerSpec(
            "pylsp",
            (str(PEERS / "pylsp"),),
            settings={"pylsp": {"signature": {"formatter": "black"}}},
            note=pylsp_note,
        ),
        ServerSpec(
            "pylsp (no formatter)",
            (str(PEERS / "pylsp"),),
            settings={"pylsp": {"signature": {"formatter": None}}},
            note="pylsp with pylsp.signature.formatter = null",
        ),
        ServerSpec(
            "basedpyright",
            (str(PEERS / "basedpyright-langserver"), "--stdio"),
        ),
    ]
    found = []
    for spec in specs:
        executable = Path(spec.argv[0])
        missing = "" if executable.exists() else "not installed (sh benchmarks/install_peers.sh)"
        found.append((spec, missing))
    return found


def environment() -> list[str]:
    lines = [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]
    ours = []
    for package in ("pygls", "lsprotocol", "sqlalchemy", "aiosqlite"):
        try:
            ours.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            ours.append(f"{package} ?")
    lines.append("- docs-daemon stack: " + ", ".join(ours))
    peer_python = PEERS / "python"
    if peer_python.exists():
        listed = subprocess.run(
            [str(peer_python), "-m", "pip", "list", "--format=freeze"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
        wanted = ("jedi", "jedi-language-server", "python-lsp-server", "basedpyright", "black")
        peers = [line.replace("==", " ") for line in listed if line.split("==")[0] in wanted]
        lines.append("- peers: " + ", ".join(peers))
    load = Path("/proc/loadavg").read_text().split()[:3]
    lines.append(f"- load average at the end: {' '.join(load)}")
    return lines


async def run(args: argparse.Namespace) -> int:
    quick = args.quick
    budget = Budget(
        samples=100 if quick else 200,
        min_samples=10 if quick else 20,
        seconds=0.5 if quick else 2.5,
        pipelined_timeout=5.0 if quick else 15.0,
    )
    ours_rounds = args.rounds or (1 if quick else 3)
    peer_rounds = args.rounds or (1 if quick else 2)
    load = workload.build(BUNDLED)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="docs-daemon-bench-") as tmp:
        workspace = Path(tmp)
        (workspace / "sample.py").write_text(load.source)
        (workspace / "completion.py").write_text(load.completion_source)
        servers: list[report.ServerRuns] = []
        for spec, missing in server_specs(workspace / "cache"):
            if args.servers and spec.name not in args.servers:
                continue
            runs = report.ServerRuns(spec, [], missing)
            servers.append(runs)
            if missing:
                print(f"{spec.name}: {missing}", flush=True)
                continue
            rounds = ours_rounds if spec.name in OURS else peer_rounds
            for index in range(rounds):
                result: RoundResult = await run_round(spec, load, workspace, budget, ROOT)
                runs.rounds.append(result)
                print(_progress(spec.name, index, result), flush=True)
        scale_results: list[scale.ScaleSummary] = []
        factors = [] if args.no_scale else ([10] if quick else [10, 50])
        if factors:
            sizes = [(1, BUNDLED, True)]
            for factor in factors:
                print(f"scale: making/using the {factor}x database", flush=True)
                path = await asyncio.to_thread(scale_databases.make_scaled, factor)
                sizes.append((factor, path, False))
            for factor, path, bundled in sizes:
                measured = [
                    await scale.measure_scale(factor, path, bundled, load, workspace, budget, ROOT)
                    for _ in range(ours_rounds)
                ]
                summary = scale.summarize(measured)
                scale_results.append(summary)
                print(
                    f"scale {factor}x: hover p99 {summary.hover_p99} {summary.errors}", flush=True
                )
    elapsed = time.perf_counter() - started
    write_report(args.output, servers, scale_results, quick, elapsed, ours_rounds, peer_rounds)
    print(f"wrote {args.output} in {elapsed:.0f} s")
    return 0


def _progress(name: str, index: int, result: RoundResult) -> str:
    hovers = [t for _, t in result.hovers]
    middle = f"{sorted(hovers)[len(hovers) // 2]:.2f} ms" if hovers else "—"
    errors = f" errors: {result.errors}" if result.errors else ""
    return f"{name} round {index + 1}: hover median {middle}{errors}"


def write_report(
    output: Path,
    servers: list[report.ServerRuns],
    scale_results: list[scale.ScaleSummary],
    quick: bool,
    elapsed: float,
    ours_rounds: int,
    peer_rounds: int,
) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    hover_png = output.with_name("hover-latency.png")
    scale_png = output.with_name("scale.png")
    lines = [
        "# Benchmark results",
        "",
        f"Made by `benchmarks/run.py{' --quick' if quick else ''}` in {elapsed:.0f} s. Every "
        "server is driven over its stdio pipe by the suite's own JSON-RPC client with the same "
        f"workload; docs-daemon and the naive design ran {ours_rounds} round(s), peers "
        f"{peer_rounds} (a fresh process each). Figures are medians over rounds; a figure "
        "whose rounds spread by 25% or more is marked (±half the spread). The machine is shared "
        "and noisy: expect ±50% on p99 between runs, compare ratios rather than absolutes.",
        "",
        "## Environment",
        *environment(),
        "",
        "## Targets (docs-daemon, bundled database)",
        *report.target_table(report.targets(servers, scale_results)),
        "",
        "## All servers",
        *report.headline(servers),
        "",
        "Workload: hover over "
        f"{len(servers[0].rounds[0].content) if servers and servers[0].rounds else 0} real "
        "stdlib names in one file (sequential, up to 200 per round after a warm-up pass); "
        "completion after `os.path.`; `completionItem/resolve` of `join`; workspace symbol over "
        "10 typed queries; 500 hovers written before the first answer is read; hover p99 while "
        "a second task keeps two one-letter `workspace/symbol` queries in flight. Slow servers "
        "stop a series after 20 samples once its time budget is spent.",
        "",
    ]
    lines += [f"- **{runs.spec.name}**: {runs.missing}" for runs in servers if runs.missing]
    lines += [f"- {runs.spec.name}: {runs.spec.note}" for runs in servers if runs.spec.note]
    lines += [
        "- Peers' `workspace/symbol` searches the workspace (two small files), not documentation; "
        "their symbol and flood figures measure only how they stay responsive.",
        "",
        "## Ratios",
        *report.ratios(servers),
        "",
    ]
    if report.plot_hovers(servers, hover_png):
        lines += [f"![hover latency]({hover_png.name})", ""]
    if scale_results:
        lines += [
            "## Cost against database size (docs-daemon)",
            "",
            "Synthetic databases: the bundled one plus N-1 renamed copies of every entry "
            "(`benchmarks/scale_databases.py`). Search queries are the 10 typed ones; the "
            "one-letter column is the flood's queries, run one at a time. The client does not "
            "resolve symbols lazily (like Neovim), so searches also write each result's page; "
            "the last column repeats the typed queries from a client that does (like VS Code). "
            f"Each size ran {ours_rounds} round(s); figures are medians over rounds.",
            "",
            *report.scale_table(scale_results),
            "",
        ]
        if report.plot_scale(scale_results, scale_png):
            lines += [f"![cost against size]({scale_png.name})", ""]
    lines += [
        "## Per symbol: hover median and whether the answer holds the official docs' text",
        "",
        "✓ = the hover contains the first words of the entry's summary in the bundled "
        "database (the official Python docs), compared without Markdown.",
        "",
        *report.symbol_table(servers),
        "",
    ]
    for runs in servers:
        for index, result in enumerate(runs.rounds):
            for error in result.errors:
                lines.append(f"- {runs.spec.name} round {index + 1} error: {error}")
    output.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description="docs-daemon benchmark suite")
    parser.add_argument("--quick", action="store_true", help="one round, smaller samples")
    parser.add_argument("--rounds", type=int, help="rounds per server (default 3 ours, 2 peers)")
    parser.add_argument("--servers", nargs="*", help="only these servers (by name)")
    parser.add_argument("--no-scale", action="store_true", help="skip the database-size series")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.md")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
