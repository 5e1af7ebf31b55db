"""``add`` benchmark: each test docset fetched from a loopback site and built into the library.

Serves Debian's HTML of werkzeug, jinja2 and Django as their projects' sites (as the tests
do) and the Python 3.11 HTML as python.org's ``.tar.bz2`` archive, then, per docset and
round, runs the library's ``add`` in a fresh library and reports the wall time (with the
time to the first page, the fetch and the build from the progress events), pages fetched,
bytes, entries and file size. The baseline, in the same run: the builder reading the same
tree from disk and writing it (``docs-daemon build``), so the ratio is what fetching adds.

    python benchmarks/add_benchmark.py [--rounds 3] [--only werkzeug,jinja2] [--output PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docs_daemon.builder.progress import Progress  # noqa: E402
from docs_daemon.builder.sources import DirectoryFiles  # noqa: E402
from docs_daemon.builder.sphinx import build_sphinx_docset  # noqa: E402
from docs_daemon.builder.writer import write_database  # noqa: E402
from docs_daemon.environment import find_environment  # noqa: E402
from docs_daemon.library import (  # noqa: E402
    AddResult,
    FetchPolicy,
    Library,
    ProgressEvent,
    add_distribution,
    add_python_docs,
)
from tests.library.docs_server import DocsServer, serving  # noqa: E402
from tests.venvs import cached_venv  # noqa: E402

DOCS = Path("/usr/share/doc")
CACHE = ROOT / "benchmarks" / ".cache"
RESULTS = ROOT / "benchmarks" / "results" / "add.md"


@dataclass
class Site:
    """One docset to add: where its HTML is, how the loopback server publishes it."""

    name: str
    html: Path
    public: str
    prefix: str
    #: (route, directory) pairs under the server.
    trees: list[tuple[str, Path]]
    redirect: tuple[str, str] | None = None


SITES = [
    Site("werkzeug", DOCS / "python-werkzeug-doc/html", "https://werkzeug.palletsprojects.com/",
         "/werkzeug/", [("/werkzeug/en/stable/", DOCS / "python-werkzeug-doc/html")],
         ("/werkzeug/", "/werkzeug/en/stable/")),
    Site("jinja2", DOCS / "python-jinja2-doc/html", "https://jinja.palletsprojects.com/",
         "/jinja/", [("/jinja/en/3.1.x/", DOCS / "python-jinja2-doc/html"),
                     ("/jinja/en/stable/", DOCS / "python-jinja2-doc/html")],
         ("/jinja/", "/jinja/en/stable/")),
    Site("django", DOCS / "python-django-doc/html", "https://docs.djangoproject.com/",
         "/django/", [("/django/en/5.2/", DOCS / "python-django-doc/html")],
         ("/django/", "/django/en/5.2/")),
]  # fmt: skip
PYTHON_HTML = DOCS / "python3.11-doc/html"


@dataclass
class Round:
    wall: float
    first_page: float
    fetch: float
    build: float
    aliases: float
    result: AddResult


@dataclass
class Row:
    name: str
    rounds: list[Round] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)


class Timeline:
    """When each stage of an add started and ended, from its progress events."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}

    def __call__(self, event: ProgressEvent) -> None:
        now = time.monotonic() - self.started
        self.first.setdefault(event.stage, now)
        self.last[event.stage] = now

    def span(self, stage: str) -> float:
        return self.last.get(stage, 0.0) - self.first.get(stage, 0.0)


def python_archive() -> Path:
    """The Python 3.11 HTML as ``python-3.11-docs-html.tar.bz2``, packed once into the cache."""
    key = hashlib.sha256((PYTHON_HTML / "objects.inv").read_bytes()).hexdigest()[:12]
    archive = CACHE / f"python-3.11-docs-html-{key}.tar.bz2"
    if not archive.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:bz2", dereference=True) as packed:
            for path in sorted(PYTHON_HTML.rglob("*")):
                if path.is_file():
                    packed.add(path, f"python-3.11-docs-html/{path.relative_to(PYTHON_HTML)}")
        partial.replace(archive)
    return archive


def measure(
    run: Callable[[Callable[[ProgressEvent], None]], Coroutine[Any, Any, AddResult]],
) -> Round:
    timeline = Timeline()
    started = time.monotonic()
    result = asyncio.run(run(timeline))
    wall = time.monotonic() - started
    first_page = timeline.first.get("pages", timeline.first.get("download", 0.0))
    fetch = timeline.span("pages") or timeline.span("download")
    return Round(wall, first_page, fetch, timeline.span("build"), timeline.span("aliases"), result)


def baseline(html: Path, name: str, base_url: str, scratch: Path) -> float:
    """``docs-daemon build`` of the same tree from disk: read, convert, write."""
    started = time.monotonic()
    docset = build_sphinx_docset(
        DirectoryFiles(html), name=name, version=None, base_url=base_url,
        progress=Progress(quiet=True),
    )  # fmt: skip
    write_database(scratch / f"{name}-{time.monotonic_ns()}.sqlite", [docset])
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated: werkzeug,jinja2,django,python@3.11")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None

    environment = find_environment(str(cached_venv(CACHE / "venvs").path), None, {})
    server_generator = serving(DocsServer())
    server = next(server_generator)
    mirrors: list[tuple[str, str]] = []
    for site in SITES:
        for route, directory in site.trees:
            server.tree(route, directory)
        if site.redirect:
            server.redirect(*site.redirect)
        mirrors.append((site.public, server.url + site.prefix.strip("/") + "/"))
    # docs.djangoproject.com publishes its inventory at _objects/ (the registry says so).
    server.file("/django/en/5.2/_objects/", DOCS / "python-django-doc/html/objects.inv")
    server.file("/python/3.11/archives/python-3.11-docs-html.tar.bz2", python_archive())
    policy = FetchPolicy(mirrors=tuple(mirrors))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="add-bench-") as scratch_name:
        scratch = Path(scratch_name)
        for site in SITES:
            if wanted and site.name not in wanted:
                continue
            distribution = environment.distributions[site.name]
            row = Row(site.name)
            for index in range(args.rounds):
                library = Library(scratch / f"{site.name}-{index}")
                row.rounds.append(measure(
                    lambda progress, library=library, distribution=distribution: add_distribution(
                        library, distribution, policy=policy, progress=progress)
                ))  # fmt: skip
                base_url = row.rounds[-1].result.docset.base_url
                row.baseline.append(baseline(site.html, site.name, base_url, scratch))
                print(f"{site.name} round {index + 1}: {row.rounds[-1].wall:.1f} s", flush=True)
            rows.append(row)
        if not wanted or "python@3.11" in wanted:
            row = Row("python@3.11")
            for index in range(args.rounds):
                library = Library(scratch / f"python-{index}")
                row.rounds.append(measure(
                    lambda progress, library=library: add_python_docs(
                        library, "3.11", base_url=server.url + "python/", policy=policy,
                        progress=progress)
                ))  # fmt: skip
                row.baseline.append(
                    baseline(PYTHON_HTML, "python", "https://docs.python.org/3.11/", scratch)
                )
                print(f"python@3.11 round {index + 1}: {row.rounds[-1].wall:.1f} s", flush=True)
            rows.append(row)
    server_generator.close()
    report = render(rows, args.rounds)
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    return 0


def render(rows: list[Row], rounds: int) -> str:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    lines = [
        "# `docs-daemon add` benchmark",
        "",
        f"Loopback sites serving Debian's HTML; medians over {rounds} rounds, each into a "
        "fresh library (2 shared cores: expect ±30%). *fetch* is the first to the last page "
        "(or the archive download), *build* the HTML→Markdown conversion, *aliases* the reading "
        "of the installed package for other spellings of the documented names, *baseline* the "
        "builder on the same tree read from disk (`docs-daemon build`), run right after each "
        "round; *wall / baseline* is the median of the per-round ratios.",
        "",
        "| docset | wall | [min, max] | fetch | build | aliases | baseline | wall / baseline "
        "| pages | bytes | entries | dropped | file |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        walls = [r.wall for r in row.rounds]
        ratio = median([r.wall / b for r, b in zip(row.rounds, row.baseline, strict=True)])
        last = row.rounds[-1].result
        lines.append(
            f"| {row.name} | {median(walls):.1f} s | [{min(walls):.1f}, {max(walls):.1f}] "
            f"| {median([r.fetch for r in row.rounds]):.2f} s "
            f"| {median([r.build for r in row.rounds]):.1f} s "
            f"| {median([r.aliases for r in row.rounds]):.1f} s "
            f"| {median(row.baseline):.1f} s | {ratio:.2f} "
            f"| {last.pages:,} | {last.bytes / 1e6:.1f} MB | {last.docset.entries:,} "
            f"| {last.dropped:,} | {last.docset.size / 1e6:.1f} MB |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
