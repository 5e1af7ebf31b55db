"""``docs-daemon add`` / ``list`` / ``remove`` / ``update``: the library at a terminal.

This module only parses arguments, draws progress and prints; the work is the library's.
Heavy imports happen inside the runners, so defining the commands costs ``serve`` nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docs_daemon.environment import Environment
    from docs_daemon.library.add import AddResult
    from docs_daemon.library.catalog import Library
    from docs_daemon.library.fetcher import FetchPolicy

COMMANDS = ("add", "list", "remove", "update")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Define the library's subcommands on the ``docs-daemon`` parser."""
    add = commands.add_parser(
        "add",
        help="download and build official docs: python@3.13, or a distribution (numpy)",
        description="Build a docset from official documentation into the library. "
        "python@X.Y is the Python docs' HTML archive; any other NAME is a distribution "
        "installed in the target environment, whose docs site is found from its metadata "
        "or the intersphinx registry (its installed docstrings when no site is reachable).",
    )
    add.add_argument("specs", nargs="+", metavar="NAME", help="python@3.13, python, or numpy")
    add.add_argument(
        "--from",
        dest="source",
        metavar="URL|DIR|ARCHIVE",
        help="build from this docs site, Sphinx HTML directory or archive (one NAME only)",
    )
    add.add_argument(
        "--force", action="store_true", help="rebuild even when the docset is installed"
    )
    add.add_argument(
        "--no-docstrings",
        dest="docstrings",
        action="store_false",
        help="fail instead of reading the installed docstrings when no official docs are found",
    )
    _common(add, environment=True, network=True)

    listing = commands.add_parser("list", help="show the docsets in the library")
    _common(listing, environment=True, network=False)

    remove = commands.add_parser("remove", help="delete docsets from the library")
    remove.add_argument("names", nargs="+", metavar="NAME", help="as shown by docs-daemon list")
    _common(remove, environment=False, network=False)

    update = commands.add_parser(
        "update", help="rebuild the docsets whose documentation changed upstream"
    )
    update.add_argument("names", nargs="*", metavar="NAME", help="default: every docset")
    _common(update, environment=True, network=True)


def _common(parser: argparse.ArgumentParser, *, environment: bool, network: bool) -> None:
    add_library_options(parser, network=network)
    if environment:
        parser.add_argument(
            "--python",
            metavar="PATH",
            help="the environment: an interpreter, a venv or a prefix (default: $VIRTUAL_ENV, "
            "$CONDA_PREFIX, .venv or venv here, python3 on PATH)",
        )
    if network:
        parser.add_argument("--quiet", action="store_true", help="no progress, only results")


def add_library_options(parser: argparse.ArgumentParser, *, network: bool) -> None:
    """``--data-dir`` (and, for commands that fetch, ``--python-docs-url`` and ``--mirror``):
    shared by the library's commands and ``serve``."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="the library (default: $XDG_DATA_HOME/docs-daemon, ~/.local/share/docs-daemon)",
    )
    if network:
        parser.add_argument(
            "--python-docs-url",
            metavar="URL",
            help="where the Python docs archives are (default: https://docs.python.org/)",
        )
        parser.add_argument(
            "--mirror",
            action="append",
            default=[],
            metavar="PUBLIC=MIRROR",
            help="fetch URLs starting with PUBLIC from MIRROR instead (repeatable)",
        )


def run_library_command(args: argparse.Namespace) -> int:
    """Run one of :data:`COMMANDS`; a failure prints one line and returns non-zero."""
    runners: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
        "add": _add,
        "list": _list,
        "remove": _remove,
        "update": _update,
    }
    from docs_daemon.library.errors import LibraryError

    try:
        return asyncio.run(runners[args.command](args))
    except LibraryError as error:
        _error(args.command, str(error))
        return 1
    except KeyboardInterrupt:
        _error(args.command, "interrupted; the library is as it was")
        return 130


def _error(command: str, message: str) -> None:
    print(f"docs-daemon {command}: error: {message}", file=sys.stderr)


def _library(args: argparse.Namespace) -> Library:
    from docs_daemon.library.catalog import Library

    return Library(args.data_dir)


def _policy(args: argparse.Namespace) -> FetchPolicy:
    from docs_daemon.library.errors import LibraryError
    from docs_daemon.library.fetcher import FetchPolicy

    mirrors = []
    for rule in args.mirror:
        public, equals, mirror = rule.partition("=")
        if not equals or not public or not mirror:
            raise LibraryError(f"--mirror {rule!r}: give it as PUBLIC=MIRROR")
        mirrors.append((public, mirror))
    return FetchPolicy(mirrors=tuple(mirrors))


def _environment(args: argparse.Namespace, *, required: bool) -> Environment | None:
    from docs_daemon.environment import EnvironmentNotFound, find_environment
    from docs_daemon.library.errors import LibraryError

    try:
        return find_environment(args.python, Path.cwd(), os.environ)
    except EnvironmentNotFound as error:
        if required:
            raise LibraryError(str(error)) from None
        return None


async def _add(args: argparse.Namespace) -> int:
    from docs_daemon.environment import normalise_name
    from docs_daemon.library.add import PYTHON_DOCS_URL, add_distribution, add_python_docs
    from docs_daemon.library.errors import LibraryError
    from docs_daemon.library.progress_display import ProgressDisplay

    if args.source and len(args.specs) > 1:
        raise LibraryError("--from applies to a single NAME")
    library, policy = _library(args), _policy(args)
    environment: Environment | None = None
    failures = 0
    for spec in args.specs:
        with ProgressDisplay(quiet=args.quiet) as display:
            try:
                version = _python_version(spec)
                if version is not None or spec == "python":
                    if version is None:
                        environment = environment or _environment(args, required=True)
                        assert environment is not None
                        version = f"{environment.version[0]}.{environment.version[1]}"
                    result = await add_python_docs(
                        library, version, base_url=args.python_docs_url or PYTHON_DOCS_URL,
                        policy=policy, progress=display, replace=args.force,
                    )  # fmt: skip
                else:
                    environment = environment or _environment(args, required=True)
                    assert environment is not None
                    distribution = environment.distributions.get(normalise_name(spec))
                    if distribution is None:
                        raise LibraryError(
                            f"{spec} is not installed in {environment.describe()} "
                            "(choose the environment with --python)"
                        )
                    result = await add_distribution(
                        library, distribution, environment, source=args.source,
                        docstrings=args.docstrings, policy=policy, progress=display,
                        replace=args.force,
                    )  # fmt: skip
            except LibraryError as error:
                display.close()
                _error("add", str(error))
                failures += 1
                continue
        _report_added(result)
    return 1 if failures else 0


def _python_version(spec: str) -> str | None:
    """``3.13`` for ``python@3.13``, ``None`` for ``python`` or a distribution name."""
    from docs_daemon.library.errors import LibraryError

    name, at, version = spec.partition("@")
    if name == "python":
        return version if at else None
    if at:
        raise LibraryError(
            f"{spec}: only python@X.Y takes a version (a distribution's docs follow the "
            "version installed in the environment)"
        )
    return None


def _report_added(result: AddResult) -> None:
    from rich.filesize import decimal

    docset = result.docset
    label = f"{docset.name} {docset.version}".rstrip()
    if result.reused:
        print(f"{label}: already installed ({docset.entries:,} entries); --force rebuilds it")
        return
    for warning in result.warnings[:10]:
        print(f"warning: {docset.name}: {warning}", file=sys.stderr)
    if len(result.warnings) > 10:
        print(f"warning: {docset.name}: … {len(result.warnings) - 10} more", file=sys.stderr)
    fetched = f"{result.pages:,} pages, {decimal(result.bytes)}" if result.bytes else ""
    origin = " (docstrings of the installed package)" if docset.origin == "docstrings" else ""
    print(
        f"{label}: {docset.entries:,} entries{origin} from {docset.source}"
        + (f" ({fetched})" if fetched else "")
        + f" in {result.seconds:.1f} s -> {docset.path} ({decimal(docset.size)})"
    )


async def _list(args: argparse.Namespace) -> int:
    from rich.filesize import decimal
    from rich.table import Table

    from docs_daemon.terminal_render import is_plain, make_console, render, write_out

    library = _library(args)
    problems: list[str] = []
    docsets = library.docsets(problems)
    environment = _environment(args, required=False)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if not docsets:
        print(f"no docsets in {library.root} (add one: docs-daemon add python@3.13)")
        return 0
    table = Table(box=None, pad_edge=False)
    for column in ("name", "version", "origin", "entries", "size", "built", "used", "source"):
        table.add_column(column, justify="right" if column in ("entries", "size") else "left")
    for docset in docsets:
        table.add_row(
            docset.name, docset.version, docset.origin, f"{docset.entries:,}",
            decimal(docset.size), docset.built_at[:10], _used(docset.name, docset.distribution,
            environment), docset.source,
        )  # fmt: skip
    console = make_console()
    if is_plain(console):
        console.width = 1000  # a pipe gets whole lines: a cut path helps no grep
    where = f"{library.root}" + (f"; used: by {environment.describe()}" if environment else "")
    write_out(render(console, [table]) + where + "\n")
    return 0


def _used(name: str, distribution: str, environment: Environment | None) -> str:
    """Whether a server for this environment loads the docset: its distribution is
    installed there, or it is the Python docs of its version."""
    if environment is None:
        return "?"
    if name.startswith("python@"):
        return "yes" if name == f"python@{environment.version[0]}.{environment.version[1]}" else ""
    return "yes" if distribution in environment.distributions else ""


async def _remove(args: argparse.Namespace) -> int:
    from docs_daemon.library.errors import LibraryError

    library = _library(args)
    failures = 0
    for name in args.names:
        try:
            removed = library.remove(name)
        except LibraryError as error:
            _error("remove", str(error))
            failures += 1
            continue
        detail = f" ({removed.version}, {removed.entries:,} entries)" if removed else ""
        print(f"removed {name}{detail}")
    return 1 if failures else 0


async def _update(args: argparse.Namespace) -> int:
    from docs_daemon.library.progress_display import ProgressDisplay
    from docs_daemon.library.refresh import update

    library = _library(args)
    environment = _environment(args, required=False)
    with ProgressDisplay(quiet=args.quiet) as display:
        results = await update(
            library, args.names, environment=environment, python_docs_url=args.python_docs_url,
            policy=_policy(args), progress=display,
        )  # fmt: skip
    if not results:
        print(f"no docsets in {library.root}")
    for result in results:
        if result.status == "failed":
            _error("update", result.message)
        else:
            print(f"{result.status}: {result.message}")
    return 1 if any(r.status == "failed" for r in results) else 0
