"""``docs-daemon build``: turn each SOURCE into a docset and write them into one file."""

from __future__ import annotations

import argparse
import signal
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from types import FrameType

from docs_daemon.builder.archive import read_archive
from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.introspect import build_module_docset
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import Docset
from docs_daemon.builder.source_command import build_installed_docset
from docs_daemon.builder.sources import DirectoryFiles, DocFiles
from docs_daemon.builder.sphinx import build_sphinx_docset
from docs_daemon.builder.writer import WriteReport, check_output, write_database

MODULE_PREFIX = "module:"
DISTRIBUTION_PREFIX = "distribution:"
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar")


def run_build(args: argparse.Namespace) -> int:
    """Build the database; bad input prints one line on stderr and returns a non-zero code."""
    started = time.monotonic()
    progress = Progress(quiet=args.quiet)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        sources = _sources(args)
        check_output(args.output)
        built = [_build_one(source, args, progress) for source in sources]
        _check_unique_names(built)
        progress.note(f"writing {args.output}")
        report = write_database(args.output, built)
    except BuildError as error:
        # Library messages can span lines (tarfile lists every method it tried): keep one.
        message = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        print(f"docs-daemon build: error: {message}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:
        # The file system or SQLite refused (permissions, disk full): still one clear line.
        print(f"docs-daemon build: error: {args.output}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("docs-daemon build: interrupted, output left unchanged", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    for docset in built:
        for warning in docset.warnings[:20]:
            print(f"warning: {docset.name}: {warning}", file=sys.stderr)
        if len(docset.warnings) > 20:
            print(f"warning: {docset.name}: … {len(docset.warnings) - 20} more", file=sys.stderr)
    print(_summary(built, report, time.monotonic() - started))
    return 0


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl-C so the temp file is removed and the output kept."""
    raise KeyboardInterrupt


def _sources(args: argparse.Namespace) -> list[str]:
    sources = [
        *args.sources,
        *(MODULE_PREFIX + name for name in args.module),
        *(DISTRIBUTION_PREFIX + name for name in args.distribution),
    ]
    if not sources:
        raise BuildError("nothing to build: give a SOURCE, --module NAME or --distribution NAME")
    if len(sources) > 1 and (args.name or args.docset_version or args.base_url):
        raise BuildError("--name, --version-label and --base-url apply to a single SOURCE only")
    return sources


def _build_one(source: str, args: argparse.Namespace, progress: Progress) -> Docset:
    progress.note(f"reading {source}")
    options = {
        "name": args.name,
        "version": args.docset_version,
        "base_url": args.base_url,
        "progress": progress,
    }
    if source.startswith(MODULE_PREFIX):
        return build_module_docset(source[len(MODULE_PREFIX) :], **options)
    if source.startswith(DISTRIBUTION_PREFIX):
        return build_installed_docset(
            source[len(DISTRIBUTION_PREFIX) :], python=args.python, **options
        )
    return build_sphinx_docset(_doc_files(source), **options)


def _doc_files(source: str) -> DocFiles:
    """The files of a Sphinx build given as a directory or an archive."""
    path = Path(source)
    if path.is_dir():
        return DirectoryFiles(path)
    if path.is_file() and source.lower().endswith(ARCHIVE_SUFFIXES):
        return read_archive(path)
    if not path.exists():
        raise BuildError(f"{source}: no such file or directory (for a module use module:NAME)")
    raise BuildError(
        f"{source}: not a Sphinx HTML directory or a supported archive "
        f"({', '.join(ARCHIVE_SUFFIXES)})"
    )


def _check_unique_names(built: list[Docset]) -> None:
    names = [d.name for d in built]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BuildError(f"two sources produce the same docset name: {', '.join(duplicates)}")


def _summary(built: list[Docset], report: WriteReport, seconds: float) -> str:
    lines = []
    for docset in built:
        kinds = report.kinds.get(docset.name, Counter[str]())
        per_kind = ", ".join(
            f"{kind} {n:,}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1])
        )
        version = f" {docset.version}" if docset.version else ""
        lines.append(f"{docset.name}{version}: {len(docset.entries):,} entries ({per_kind})")
    if report.kept:
        lines.append(f"kept: {', '.join(report.kept)}")
    size = report.size / (1024 * 1024)
    lines.append(f"wrote {report.path} ({size:.1f} MiB) in {seconds:.1f} s")
    return "\n".join(lines)
