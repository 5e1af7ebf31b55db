"""Real-code accuracy benchmark: docs-daemon's hovers on six PyPI packages' source, judged
against an inference oracle (jedi) run in the same benchmark, plus the exhaustive shadowing
scan and the speed of hovers that need inference. Writes benchmarks/results/accuracy.md.

    .venv/bin/python benchmarks/accuracy.py                  # full run (first run: ~30 min,
                                                             # then the oracle is cached)
    .venv/bin/python benchmarks/accuracy.py --quick          # a ~2-minute subset
    .venv/bin/python benchmarks/accuracy.py --server "OTHER/.venv/bin/docs-daemon serve"

The scratch venv, the oracle's answers and every position's outcome (JSON) live in the cache
directory (default ``$XDG_CACHE_HOME/docs-daemon-bench/accuracy``), keyed by the pinned
versions, so runs before and after a server change judge the same positions.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import pickle
import shlex
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

import jedi  # noqa: E402
from realcode import corpus, drive, sample, sites, tables  # noqa: E402
from realcode.answers import read_hover  # noqa: E402
from realcode.oracle import Oracle  # noqa: E402
from realcode.outcomes import Judged  # noqa: E402
from realcode.verdicts import DOCUMENTED, DocsNames, LibraryNames, Verdict, verdict  # noqa: E402

RESULTS = BENCH / "results"
BUNDLED = ROOT / "data" / "python-3.11.sqlite"
PEER_JEDI = BENCH / ".peers" / "bin" / "jedi-language-server"
#: Settings every run gets: the scratch venv as the workspace's Python (set below) and no
#: downloads, so answers come from what is on disk. A server that predates a key says so in
#: a message and keeps serving.
SERVER_OPTIONS: dict[str, str] = {"downloads": "never"}
#: The jedi the oracle was validated with: another version may pick other positions.
ORACLE_JEDI = "0.20.1"


def analyse_corpus(found: corpus.Corpus, cache_dir: Path) -> dict[str, sites.FileSites]:
    """Sites of every file, cached by the pins and this classifier's source."""
    code = (BENCH / "realcode" / "sites.py").read_bytes()
    key = f"{corpus.pins_key()}-{hashlib.sha256(code).hexdigest()[:12]}"
    cached = cache_dir / f"sites-{key}.pickle"
    if cached.exists():
        loaded: dict[str, sites.FileSites] = pickle.loads(cached.read_bytes())
        return loaded
    print(f"sites: reading {len(found.files)} files", flush=True)
    analysed = {
        path: sites.analyse(path, found.read(path), found.site_packages) for path in found.files
    }
    cached.write_bytes(pickle.dumps(analysed))
    return analysed


def server_argv(args: argparse.Namespace, cache: Path) -> list[str]:
    if args.server:
        return shlex.split(args.server)
    # A library of its own: the docsets the server builds for the installed packages live
    # and die with the run (never the user's), and their aliases help judge it.
    return [
        sys.executable, "-m", "docs_daemon", "serve",
        "--cache-dir", str(cache), "--data-dir", str(cache.parent / "library"),
    ]  # fmt: skip


async def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if jedi.__version__ != ORACLE_JEDI:
        print(f"warning: jedi {jedi.__version__}, the oracle was set up with {ORACLE_JEDI}")
    cache_dir: Path = args.cache_dir
    found = corpus.load(cache_dir)
    analysed = analyse_corpus(found, cache_dir)
    names = DocsNames(BUNDLED)
    oracle = Oracle(
        found.venv,
        found.site_packages,
        cache_dir / f"oracle-{corpus.pins_key()}-jedi{jedi.__version__}.json",
        workers=args.workers,
    )
    verdicts: dict[str, Verdict] = {}

    def judge(site: sites.Site) -> Verdict:
        if site.key not in verdicts:
            raw = oracle.answers[site.key]
            verdicts[site.key] = verdict(raw, site.path, found.site_packages, names)
        return verdicts[site.key]

    def ask(batch: list[tuple[str, list[sites.Site]]]) -> None:
        oracle.ask(
            (path, [(site.key, site.line, site.column) for site in picked])
            for path, picked in batch
        )

    quotas = sample.QUICK if args.quick else sample.FULL
    print("oracle: sampling positions (cached answers are reused)", flush=True)
    chosen = sample.select(
        sample.file_order(found.files),
        lambda path: analysed[path].sites,
        quotas,
        ask,
        lambda site: _kind(judge(site)),
        lambda site: site.name in names.names,
    )
    oracle_done = time.perf_counter()
    print(f"oracle: {len(chosen)} positions in {oracle_done - started:.0f} s", flush=True)
    sample_files = {site.path for site in chosen}
    shadow_files = sorted(sample_files) if args.quick else sorted(analysed)
    shadows = [s for path in shadow_files for s in analysed[path].shadows]
    bare_names = sum(analysed[path].names for path in shadow_files)
    sources = {path: found.read(path) for path in sorted(sample_files | set(shadow_files))}

    with tempfile.TemporaryDirectory(prefix="docs-daemon-accuracy-") as tmp:
        argv = server_argv(args, Path(tmp) / "cache")
        print(f"server: {' '.join(argv)}", flush=True)
        client = await drive.start(
            argv, found.site_packages, SERVER_OPTIONS | {"python": str(found.python)}
        )
        try:
            hovered = await drive.hover_sample(client, found.site_packages, chosen, sources)
            print(f"server: hovered {len(hovered.answers)} positions twice", flush=True)
            opened = set(sample_files)
            scanned = await drive.scan_shadows(
                client, found.site_packages, shadows, sources, opened
            )
            print(f"server: shadowing scan of {len(scanned)} names", flush=True)
            direct = [s for s in chosen if s.shape == "direct"]
            best = max(
                sorted({s.path for s in direct}), key=lambda p: sum(s.path == p for s in direct)
            )
            flow_files = _first_flow_sites(chosen, exclude=best)
            isolated = await drive.isolation(
                client,
                found.site_packages,
                [s for s in direct if s.path == best],
                flow_files,
                sources,
                hovers=100 if args.quick else 400,
            )
        finally:
            returncode = await client.close()
        library = LibraryNames(Path(tmp) / "library")
        peers = []
        if not args.no_peers and PEER_JEDI.exists():
            subset = _peer_subset(chosen, files=4 if args.quick else 20)
            print(f"peer: jedi-language-server on {len(subset)} positions", flush=True)
            peer = await drive.start(
                [str(PEER_JEDI)],
                found.site_packages,
                {"workspace": {"extraPaths": [str(found.site_packages)]}},
                # a parse cache of its own: a shared one can hold files truncated by others
                env={"XDG_CACHE_HOME": str(Path(tmp) / "peer-cache")},
            )
            try:
                peers.append(
                    (
                        "jedi-language-server",
                        subset,
                        await drive.hover_sample(peer, found.site_packages, subset, sources),
                    )
                )
            finally:
                await peer.close()
        elif not args.no_peers:
            print("peer: jedi-language-server not installed (sh benchmarks/install_peers.sh)")

    judged = []
    for site in chosen:
        cold, cold_ms, warm, warm_ms = hovered.answers.get(site.key, ("", float("nan"), "", 0.0))
        answer = read_hover(cold)
        expected = judge(site)
        aliases = library.other_names(expected.name)
        judged.append(
            Judged(site, expected, answer, read_hover(warm) != answer, cold_ms, warm_ms, aliases)
        )
    scan = [(shadow, read_hover(scanned.get(shadow.key, ""))) for shadow in shadows]
    answered = sum(j.answer.kind != "empty" for j in judged)
    if not answered:
        print("error: the server answered no hover at all", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    context = tables.Context(
        command=_command(args),
        server=args.label
        or (" ".join(argv) if args.server else "docs-daemon serve (this checkout)"),
        quick=args.quick,
        elapsed=elapsed,
        oracle_seconds=oracle_done - started,
        files=len(found.files),
        bare_names=bare_names,
        returncode=returncode,
        stdlib=names.entries,
    )
    report = tables.report(context, judged, scan, hovered, isolated, peers)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    json_path = args.json or cache_dir / f"{args.output.stem}.json"
    json_path.write_text(json.dumps(tables.positions_json(judged, scan), indent=1))
    print(f"wrote {args.output} and {json_path} in {elapsed:.0f} s")
    unparsed = sum(j.answer.kind == "unparsed" for j in judged)
    if unparsed > len(judged) // 100:
        print(f"warning: {unparsed} hovers not understood: update realcode/answers.py")
    return 0


def _kind(judged: Verdict) -> str:
    if judged.category in DOCUMENTED:
        return "documented"
    return "stdlib" if judged.category == "not-in-docs" else "other"


def _first_flow_sites(chosen: list[sites.Site], exclude: str) -> list[tuple[str, sites.Site]]:
    firsts: dict[str, sites.Site] = {}
    for site in chosen:
        if site.shape in sites.DATA_FLOW and site.path != exclude:
            firsts.setdefault(site.path, site)
    return sorted(firsts.items())


def _peer_subset(chosen: list[sites.Site], files: int) -> list[sites.Site]:
    """The positions of the first ``files`` sampled files (in the sample's own order)."""
    paths: list[str] = []
    for site in chosen:
        if site.path not in paths:
            paths.append(site.path)
    keep = set(paths[:files])
    return [site for site in chosen if site.path in keep]


def _command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python benchmarks/accuracy.py"]
    if args.quick:
        parts.append("--quick")
    if args.packages:
        parts.append(f"--packages {shlex.quote(args.packages)}")
    if args.server:
        shown = "'OTHER-CHECKOUT-SERVER'" if args.label else shlex.quote(args.server)
        parts.append(f"--server {shown}")
    if args.output != RESULTS / "accuracy.md":
        output = args.output
        shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output.name
        parts.append(f"--output {shown}")
    return " ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description="docs-daemon real-code accuracy benchmark")
    parser.add_argument("--quick", action="store_true", help="a ~2-minute subset")
    parser.add_argument("--server", help="command starting the server (default: this checkout)")
    parser.add_argument("--label", help="how the report names the server (instead of --server)")
    parser.add_argument("--output", type=Path, default=RESULTS / "accuracy.md")
    parser.add_argument("--json", type=Path, help="every position's outcome (default: cache dir)")
    parser.add_argument("--cache-dir", type=Path, default=corpus.default_cache_dir())
    parser.add_argument("--workers", type=int, default=2, help="oracle processes")
    parser.add_argument("--no-peers", action="store_true", help="skip jedi-language-server")
    parser.add_argument(
        "--packages",
        metavar="NAME==VERSION,...",
        help="judge other code instead of the six measured packages (import name = PyPI name)",
    )
    args = parser.parse_args()
    if args.packages:
        try:
            corpus.use_packages(args.packages)
        except ValueError as error:
            parser.error(f"--packages: {error}")
    args.output = args.output.resolve()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
