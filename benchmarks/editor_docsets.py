"""Editor docsets benchmark: how soon a newly imported library's docs reach a hover, and what
ten more docsets cost a running server.

*First hovers*: per library (werkzeug, jinja2, django) and round, a server with a fresh library
directory, the projects' sites served on loopback from Debian's HTML (as the ``add`` benchmark
serves them) behind ``--mirror``, and ``python`` = a venv with the library installed. Once the
server is ready and knows the environment, a document importing the library is opened and a
common name in it is hovered every 50 ms: the time from ``didOpen`` to the first hover with
"From the docstrings of the installed ..." and, with ``downloads: "auto"``, to the first hover
linking the official docs; with ``downloads: "never"`` (a fresh server), to the first
docstrings hover again.

*1 vs 11 databases*: ten third-party docsets are built once (``docs-daemon build
--distribution``) from a venv of pinned packages kept in the cache; a server with the bundled
stdlib alone and one with the ten as ``--db`` as well (both on an empty venv, so nothing else
is built or loaded) each answer 500 sequential hovers on ``json.dumps`` and 500 on
``requests.get``, timed by the client over stdio; the server process's own peak RSS, its
inference worker's, and the two together sampled every 0.1 s.

    python benchmarks/editor_docsets.py [--rounds 3] [--only jinja2,hover] [--output PATH]

The venvs and docsets are kept in ``$XDG_CACHE_HOME/docs-daemon-bench/editor-docsets``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from add_benchmark import DOCS, SITES  # noqa: E402
from store_benchmark import NOTES_MARKER  # noqa: E402

from docs_daemon.environment import find_environment  # noqa: E402
from docs_daemon.schema import SCHEMA_VERSION  # noqa: E402
from docs_daemon.server import STATUS_METHOD  # noqa: E402
from tests.hardening.processes import descendants, rss_bytes  # noqa: E402
from tests.library.docs_server import DocsServer, serving  # noqa: E402
from tests.venvs import PINNED, Venv, cached_venv, create_venv  # noqa: E402
from tests.wire import WireServer  # noqa: E402

RESULTS = BENCH / "results" / "editor-docsets.md"
URI = "file:///workspace/app.py"
DOCSTRINGS = "From the docstrings of the installed "
#: Seconds between hovers while waiting for docs to arrive.
INTERVAL = 0.05
#: Longest wait for the official docs (Django's are ~130 pages to fetch and convert).
PATIENCE = 300.0
#: The bench venv: the tests' pins and four more distributions (with their dependencies).
BENCH_PINS = (
    *PINNED,
    "requests==2.34.2",
    "urllib3==2.8.0",
    "idna==3.20",
    "certifi==2026.10.19.post1",
    "charset-normalizer==3.5.3",
    "click==8.5.1",
    "attrs==26.1.0",
)
TEN = (
    "werkzeug", "jinja2", "markupsafe", "django", "asgiref", "sqlparse",
    "requests", "urllib3", "click", "attrs",
)  # fmt: skip
HOVERS = 500
#: Document and positions of the latency part; the phrase each right answer holds.
LATENCY_CODE = 'import json\nimport requests\njson.dumps({})\nrequests.get("https://example.org")\n'
STDLIB_HOVER = ("json.dumps", (2, 6), "Serialize *obj*")
THIRD_PARTY_HOVER = ("requests.get", (3, 10), "Sends a GET request")


@dataclass(frozen=True)
class Library:
    """A library the document imports, and how its official docs are recognised."""

    name: str
    code: str
    public: str
    #: On the name in the document's second line.
    position: tuple[int, int] = (1, 3)


LIBRARIES = (
    Library("werkzeug", "from werkzeug.utils import secure_filename\n"
            "secure_filename('My cool movie.mov')\n", "https://werkzeug.palletsprojects.com/"),
    Library("jinja2", "from jinja2 import Template\nTemplate('Hello {{ name }}')\n",
            "https://jinja.palletsprojects.com/"),
    Library("django", "from django.shortcuts import render\nrender(None, 'index.html')\n",
            "https://docs.djangoproject.com/"),
)  # fmt: skip


@dataclass
class Arrival:
    """One server's first hovers, in seconds after ``didOpen`` (None: not within patience)."""

    docstrings: float | None = None
    official: float | None = None
    link: str = ""
    hovers: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass
class ArrivalRow:
    library: Library
    version: str = ""
    auto: list[Arrival] = field(default_factory=list)
    never: list[Arrival] = field(default_factory=list)


@dataclass
class Load:
    """One server's latencies (seconds) and memory (bytes) with one set of databases."""

    stdlib: list[float]
    third_party: list[float]
    stdlib_right: int
    third_party_right: int
    server_peak: int
    worker_peak: int
    tree_peak: int
    workers: int


# -- servers ---------------------------------------------------------------------------------


def start_server(work: Path, *args: str, options: dict[str, Any]) -> WireServer:
    """A server with its own library and cache under ``work``, ready and in its environment."""
    server = WireServer(
        "--data-dir", str(work / "library"), "--cache-dir", str(work / "cache"), *args
    )  # fmt: skip
    server.initialize(options)
    deadline = time.monotonic() + 120
    while True:
        status = server.request(STATUS_METHOD, timeout=30)["result"]
        if status["state"] == "ready" and status.get("environment"):
            return server
        if time.monotonic() > deadline:
            server.close()
            raise RuntimeError(f"server not ready in 120 s: {status}")
        time.sleep(0.05)


def hover_text(server: WireServer, position: tuple[int, int]) -> str:
    result = server.hover(URI, *position, timeout=30).get("result") or {}
    return str(result.get("contents", {}).get("value", ""))


def server_messages(server: WireServer) -> list[str]:
    return [
        str(m["params"]["message"])
        for m in server.notifications
        if m["method"] == "window/showMessage"
    ]


def serve_sites(docs: DocsServer) -> list[str]:
    """The projects' sites on ``docs`` as the ``add`` benchmark serves them; ``--mirror``s."""
    mirrors: list[str] = []
    for site in SITES:
        for route, directory in site.trees:
            docs.tree(route, directory)
        if site.redirect:
            docs.redirect(*site.redirect)
        mirrors += ["--mirror", f"{site.public}={docs.url}{site.prefix.strip('/')}/"]
    docs.file("/django/en/5.2/_objects/", DOCS / "python-django-doc/html/objects.inv")
    return mirrors


# -- first hovers ----------------------------------------------------------------------------


def first_hovers(
    library: Library, venv: Venv, mirrors: list[str], downloads: str, scratch: Path
) -> Arrival:
    """Open the document, hover every 50 ms until the docs ``downloads`` promises arrive."""
    work = Path(tempfile.mkdtemp(prefix=f"{library.name}-{downloads}-", dir=scratch))
    server = start_server(
        work, *mirrors, options={"python": str(venv.path), "downloads": downloads}
    )
    arrival = Arrival()
    # The entry's own link, as ``render.py`` writes it: [qualname — docset docs](url).
    link = re.compile(r"\[[\w.]+ — [^\]]* docs\]\((" + re.escape(library.public) + r"[^)\s]*)\)")
    try:
        opened = time.monotonic()
        server.open(URI, library.code)
        while time.monotonic() - opened < PATIENCE:
            asked = time.monotonic()
            value = hover_text(server, library.position)
            now = time.monotonic() - opened
            arrival.hovers += 1
            if arrival.docstrings is None and DOCSTRINGS in value:
                arrival.docstrings = now
            if DOCSTRINGS not in value and (found := link.search(value)):
                arrival.official, arrival.link = now, found.group(1)
            if arrival.official is not None or (
                downloads == "never" and arrival.docstrings is not None
            ):
                break
            time.sleep(max(0.0, INTERVAL - (time.monotonic() - asked)))
        arrival.messages = server_messages(server)
    finally:
        server.close()
    return arrival


# -- 1 vs 11 databases -----------------------------------------------------------------------


def build_docsets(venv: Venv, cache: Path) -> list[Path]:
    """The ten docstring docsets, built once per pins and schema version."""
    key = hashlib.sha256(f"{venv.path.name} schema {SCHEMA_VERSION}".encode()).hexdigest()[:12]
    directory = cache / f"docsets-{key}"
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for name in TEN:
        file = directory / f"{name}.sqlite"
        if not file.is_file():
            command = [
                sys.executable, "-m", "docs_daemon", "build", "--distribution", name,
                "--python", str(venv.path), "--output", str(file), "--quiet",
            ]  # fmt: skip
            subprocess.run(command, check=True, cwd=ROOT)
        files.append(file)
    return files


def status_kib(pid: int, key: str) -> int:
    """One ``/proc/PID/status`` figure of one process (``VmHWM``: its own peak RSS)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler:
    """The server and its children's summed RSS, every 0.1 s on a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return max(self.peak, rss_bytes(self.pid))


def timed_hovers(
    server: WireServer, position: tuple[int, int], phrase: str
) -> tuple[list[float], int]:
    """``HOVERS`` sequential hovers after a warm-up; their latencies and how many held
    ``phrase`` (the right entry)."""
    for _ in range(20):
        hover_text(server, position)
    times, right = [], 0
    for _ in range(HOVERS):
        started = time.perf_counter()
        value = hover_text(server, position)
        times.append(time.perf_counter() - started)
        right += phrase in value
    return times, right


def measure_load(databases: list[Path], empty: Venv, scratch: Path) -> Load:
    work = Path(tempfile.mkdtemp(prefix=f"load-{len(databases)}-", dir=scratch))
    args = [part for database in databases for part in ("--db", str(database))]
    server = start_server(work, *args, options={"python": str(empty.path), "downloads": "never"})
    try:
        pid = server.process.pid
        sampler = TreeSampler(pid)
        server.open(URI, LATENCY_CODE)
        stdlib, stdlib_right = timed_hovers(server, STDLIB_HOVER[1], STDLIB_HOVER[2])
        third, third_right = timed_hovers(server, THIRD_PARTY_HOVER[1], THIRD_PARTY_HOVER[2])
        tree_peak = sampler.stop()
        children = descendants(pid)
        return Load(
            stdlib, third, stdlib_right, third_right,
            server_peak=status_kib(pid, "VmHWM") * 1024,
            worker_peak=sum(status_kib(child, "VmHWM") for child in children) * 1024,
            tree_peak=tree_peak, workers=len(children),
        )  # fmt: skip
    finally:
        server.close()


# -- report ----------------------------------------------------------------------------------


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def spread(values: list[float], unit: Callable[[float], str]) -> str:
    """Median [min, max] of per-round figures."""
    if not values:
        return "—"
    middle = unit(statistics.median(values))
    if len(values) == 1:
        return middle
    return f"{middle} [{unit(min(values))}, {unit(max(values))}]"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def millis(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def mib(value: float) -> str:
    return f"{value / 2**20:.1f} MiB"


def known(values: list[float | None]) -> tuple[list[float], int]:
    found = [v for v in values if v is not None]
    return found, len(values) - len(found)


def arrival_cell(values: list[float | None]) -> str:
    found, missing = known(values)
    cell = spread(found, seconds)
    return f"{cell}, {missing} of {len(values)} never" if missing else cell


def render(
    rows: list[ArrivalRow],
    loads: dict[int, list[Load]],
    docsets_size: int,
    *,
    rounds: int,
    loads_at: tuple[tuple[float, ...], tuple[float, ...]],
    command: str,
) -> str:
    started, ended = (", ".join(f"{v:.2f}" for v in load) for load in loads_at)
    lines = [
        "# Editor docsets: first hovers of an imported library, and ten more docsets",
        "",
        f"Generated by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {rounds} rounds. "
        f"The machine is shared and was loaded: load average (1, 5, 15 min) {started} at "
        f"the start and {ended} at the end. Figures are medians over rounds with "
        "[min, max]; compare ratios, not absolutes.",
    ]
    if rows:
        lines += [
            "",
            "## From `didOpen` to the first hovers",
            "",
            "A fresh library per server; the projects' sites served on loopback from Debian's "
            "HTML behind `--mirror`; `python` = a venv with the pinned packages "
            "(`tests/venvs.py`). The document is opened once the server is ready and knows the "
            "environment, then the name on its second line is hovered every 50 ms. *docstrings*: "
            'the first hover saying "From the docstrings of the installed …" (the docset '
            "built in the background from the installed source); *official*: the first hover "
            "linking the public docs (fetched and built from the loopback site, swapped in).",
            "",
            "| library | hovered | docstrings (`auto`) | official (`auto`) "
            "| docstrings (`never`) | official link |",
            "|---|---|---|---|---|---|",
        ]
        for row in rows:
            links = {a.link for a in row.auto if a.link}
            hovered = row.library.code.splitlines()[0].split()[-1]
            lines.append(
                f"| {row.library.name} {row.version} | `{hovered}` "
                f"| {arrival_cell([a.docstrings for a in row.auto])} "
                f"| {arrival_cell([a.official for a in row.auto])} "
                f"| {arrival_cell([a.docstrings for a in row.never])} "
                f"| {', '.join(sorted(links)) or '—'} |"
            )
        problems = sorted({m for row in rows for a in row.auto + row.never for m in a.messages})
        if problems:
            lines += ["", "Messages the servers showed:", ""]
            lines += [f"- {message}" for message in problems]
    if loads:
        lines += render_loads(loads, docsets_size)
    return "\n".join(lines) + "\n"


def render_loads(loads: dict[int, list[Load]], docsets_size: int) -> list[str]:
    one, eleven = loads.get(1, []), loads.get(11, [])
    lines = [
        "",
        "## Hover latency and memory: 1 vs 11 databases",
        "",
        "The bundled stdlib alone vs the stdlib and ten docstring docsets as `--db` "
        f"({', '.join(TEN)}; {docsets_size / 2**20:.1f} MiB on disk together), both with "
        '`python` = an empty venv and `downloads: "never"`. Per server: 20 warm-up hovers, '
        f"then {HOVERS} sequential hovers on each name, timed by the client over stdio "
        "(round trip); median and p99 per round, then the median [min, max] of those over "
        f"rounds. *right*: answers holding the entry's first words, of {HOVERS} per round.",
        "",
        "| databases | name | median | p99 | right |",
        "|---|---|---|---|---|",
    ]
    for count, runs in ((1, one), (11, eleven)):
        for label, series in ((STDLIB_HOVER[0], "stdlib"), (THIRD_PARTY_HOVER[0], "third_party")):
            times: list[list[float]] = [getattr(load, series) for load in runs]
            right = sorted({getattr(load, f"{series}_right") for load in runs})
            note = " (no docset: a miss)" if count == 1 and series == "third_party" else ""
            lines.append(
                f"| {count} | `{label}`{note} "
                f"| {spread([statistics.median(t) for t in times], millis)} "
                f"| {spread([p99(t) for t in times], millis)} "
                f"| {', '.join(map(str, right))} |"
            )
    lines += [
        "",
        "Peak resident memory: *server* is the server process alone (its own `VmHWM`); "
        "*inference worker* is its child process (jedi; `VmHWM`); *server + worker* is their "
        "summed RSS sampled every 0.1 s during the hovers (`tests/hardening/processes.py`).",
        "",
        "| databases | server | inference worker | server + worker | children |",
        "|---|---|---|---|---|",
    ]
    for count, runs in ((1, one), (11, eleven)):
        if runs:
            lines.append(
                f"| {count} | {spread([float(r.server_peak) for r in runs], mib)} "
                f"| {spread([float(r.worker_peak) for r in runs], mib)} "
                f"| {spread([float(r.tree_peak) for r in runs], mib)} "
                f"| {max(r.workers for r in runs)} |"
            )
    if one and eleven:
        ratio = statistics.median(r.server_peak for r in eleven) / statistics.median(
            r.server_peak for r in one
        )
        grown = statistics.median(r.server_peak for r in eleven) - statistics.median(
            r.server_peak for r in one
        )
        lines += [
            "",
            f"Eleven databases: the server process's peak is {ratio:.2f}x one database's "
            f"(+{grown / 2**20:.1f} MiB for {docsets_size / 2**20:.1f} MiB of docsets); "
            f"`json.dumps` median {ratio_of(eleven, one, 'stdlib'):.2f}x.",
        ]
    return lines


def ratio_of(eleven: list[Load], one: list[Load], series: str) -> float:
    def middle(runs: list[Load]) -> float:
        return statistics.median(float(statistics.median(getattr(load, series))) for load in runs)

    return middle(eleven) / middle(one)


# -- the command -----------------------------------------------------------------------------


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docs-daemon-bench" / "editor-docsets"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated: werkzeug,jinja2,django,hover")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    unknown = (wanted or set()) - {*(lib.name for lib in LIBRARIES), "hover"}
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
    load_start = os.getloadavg()
    cache = cache_root()
    venv = cached_venv(cache / "venvs")
    environment = find_environment(str(venv.path), None, {})
    libraries = [lib for lib in LIBRARIES if not wanted or lib.name in wanted]
    rows = [ArrivalRow(lib, environment.distributions[lib.name].version) for lib in libraries]
    loads: dict[int, list[Load]] = {}
    docsets: list[Path] = []
    empty = Venv(cache / "empty-venv")
    with (
        contextlib.contextmanager(serving)(DocsServer()) as docs,
        tempfile.TemporaryDirectory(prefix="editor-docsets-") as scratch_name,
    ):
        mirrors = serve_sites(docs)
        scratch = Path(scratch_name)
        if not wanted or "hover" in wanted:
            bench_venv = cached_venv(cache / "venvs", BENCH_PINS)
            docsets = build_docsets(bench_venv, cache)
            if not (empty.path / "pyvenv.cfg").is_file():
                create_venv(empty.path)
            loads = {1: [], 11: []}
        for index in range(args.rounds):
            for row in rows:
                for downloads, arrivals in (("auto", row.auto), ("never", row.never)):
                    arrival = first_hovers(row.library, venv, mirrors, downloads, scratch)
                    arrivals.append(arrival)
                    print(
                        f"round {index + 1} {row.library.name} {downloads}: docstrings "
                        f"{arrival.docstrings} s, official {arrival.official} s, "
                        f"{arrival.hovers} hovers",
                        flush=True,
                    )
            for count, databases in ((1, []), (11, docsets)) if loads else ():
                load = measure_load(databases, empty, scratch)
                loads[count].append(load)
                print(
                    f"round {index + 1} {count} databases: json.dumps "
                    f"{millis(statistics.median(load.stdlib))}, requests.get "
                    f"{millis(statistics.median(load.third_party))}, server peak "
                    f"{mib(load.server_peak)}",
                    flush=True,
                )
    command = f"python benchmarks/editor_docsets.py --rounds {args.rounds}" + (
        f" --only {args.only}" if args.only else ""
    )
    report = render(
        rows, loads, sum(file.stat().st_size for file in docsets), rounds=args.rounds,
        loads_at=(load_start, os.getloadavg()), command=command,
    )  # fmt: skip
    print(report)
    notes = ""
    if args.output.is_file() and NOTES_MARKER in (text := args.output.read_text()):
        notes = text.split(NOTES_MARKER, 1)[1]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report + "\n" + NOTES_MARKER + notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
