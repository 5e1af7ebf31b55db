"""How long a docstring docset takes to build, per distribution, and how big it is.

    .venv/bin/python benchmarks/docstring_build.py            # werkzeug, jinja2, django, sqlalchemy
    .venv/bin/python benchmarks/docstring_build.py --rounds 5 --python /path/to/venv jinja2

Without ``--python`` the distributions come from a venv with pinned versions, made once in
``benchmarks/.cache/`` by pip. Each round builds in-process (as the server would) with a
pool of two spawned workers and in one process; wall time and CPU time (this process and its
workers) are medians over rounds. The size is the SQLite file the docset alone writes. Results go to
``benchmarks/results/docstring-build.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docs_daemon.builder.source_docs import build_docstring_docset  # noqa: E402
from docs_daemon.builder.writer import write_database  # noqa: E402
from docs_daemon.environment import Environment, find_environment  # noqa: E402
from tests.venvs import cached_venv  # noqa: E402

PINNED = (
    "werkzeug==3.1.9",
    "jinja2==3.1.6",
    "markupsafe==3.0.4",
    "django==5.2.19",
    "asgiref==3.13.0",
    "sqlparse==0.6.1",
    "sqlalchemy==2.1.9",
    "typing-extensions==4.16.0",
)
DEFAULT = ("werkzeug", "jinja2", "django", "sqlalchemy")


@dataclass(frozen=True, slots=True)
class Sample:
    wall: float
    cpu: float


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure(environment: Environment, key: str, workers: int | None) -> Sample:
    distribution = environment.distributions[key]
    cpu, started = _cpu(), time.perf_counter()
    build_docstring_docset(distribution, environment=environment, workers=workers)
    return Sample(time.perf_counter() - started, _cpu() - cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("distributions", nargs="*", default=list(DEFAULT))
    parser.add_argument("--python", help="an interpreter or venv (default: the pinned venv)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks/results/docstring-build.md"
    )
    args = parser.parse_args()
    python = args.python or str(cached_venv(ROOT / "benchmarks/.cache", PINNED).path)
    environment = find_environment(python, None, os.environ)
    rows = []
    for key in args.distributions:
        distribution = environment.distributions[key]
        docset = build_docstring_docset(distribution, environment=environment)
        with tempfile.TemporaryDirectory() as directory:
            report = write_database(Path(directory) / "one.sqlite", [docset])
        pooled = [_measure(environment, key, 2) for _ in range(args.rounds)]
        single = [_measure(environment, key, 1) for _ in range(args.rounds)]
        row = (
            f"| {distribution.name} {distribution.version} | {len(docset.entries):,} "
            f"| {len(docset.aliases):,} | {len(docset.warnings)} "
            f"| {report.size / 1024 / 1024:.1f} "
            f"| {statistics.median(s.wall for s in pooled):.2f} "
            f"| {statistics.median(s.cpu for s in pooled):.2f} "
            f"| {statistics.median(s.wall for s in single):.2f} "
            f"| {statistics.median(s.cpu for s in single):.2f} |"
        )
        print(row, flush=True)
        rows.append(row)
    load = os.getloadavg()[0]
    text = "\n".join(
        [
            "# Docstring docset builds",
            "",
            f"`benchmarks/docstring_build.py`, {args.rounds} rounds, median; {os.cpu_count()} "
            f"cores, load average {load:.1f} at the end of the run (the machine is shared: CPU "
            "time is the steadier figure). Pool: two spawned workers (used from 64 modules "
            "on; by default only on machines with 4 cores or more); single: one process "
            "(the default on smaller machines). A package with fewer modules is read in one "
            "process in both columns.",
            "",
            "| distribution | entries | aliases | warnings | MiB | pool wall s | pool CPU s "
            "| single wall s | single CPU s |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
