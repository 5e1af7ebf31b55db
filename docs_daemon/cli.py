"""The ``docs-daemon`` command: argument parsing only, each command's work lives in its module.

Imports of the heavy libraries happen inside the command that needs them, so ``serve`` starts
without paying for the builder and ``lookup`` without paying for the language server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from docs_daemon import __version__


def _add_database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        dest="databases",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="a documentation database to load (repeatable); earlier ones take precedence, "
        "the bundled Python docs come last",
    )
    parser.add_argument(
        "--no-bundled",
        action="store_true",
        help="do not load the bundled Python standard library database",
    )


def _positive(text: str) -> int:
    """An integer of at least 1 (``--limit 0`` would ask for nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docs-daemon",
        description="Official documentation inside every editor: a fast docs language server.",
    )
    parser.add_argument("--version", action="version", version=f"docs-daemon {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    transport = serve.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="speak LSP over stdio (default)")
    transport.add_argument("--tcp", action="store_true", help="listen for one client over TCP")
    transport.add_argument("--ws", action="store_true", help="listen over WebSocket")
    serve.add_argument("--host", default="127.0.0.1", help="address for --tcp/--ws")
    serve.add_argument("--port", type=int, default=2087, help="port for --tcp/--ws")
    serve.add_argument("--log-file", type=Path, help="write the log here instead of stderr")
    serve.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        help="how much to log",
    )
    serve.add_argument(
        "--cache-dir",
        type=Path,
        help="where documentation pages opened from workspace symbols are written "
        "(default: the user cache directory)",
    )
    _add_database_options(serve)
    from docs_daemon.library.command import add_library_options

    add_library_options(serve, network=True)

    build = commands.add_parser("build", help="build a documentation database")
    build.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="a Sphinx HTML directory (with objects.inv), an archive of one "
        "(.zip, .tar.gz, .tar.bz2, .tar.xz), module:NAME or distribution:NAME",
    )
    build.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="NAME",
        help="document an importable module and its submodules by introspection (repeatable)",
    )
    build.add_argument(
        "--distribution",
        action="append",
        default=[],
        metavar="NAME",
        help="document an installed distribution from its source, read without importing it "
        "(repeatable; found in the environment --python names, else the current one)",
    )
    build.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter or virtual environment --distribution reads (default: "
        "$VIRTUAL_ENV, ./.venv, python3 on PATH)",
    )
    build.add_argument("--output", "-o", type=Path, required=True, help="the database to write")
    build.add_argument("--name", help="docset name (default: the project name in objects.inv)")
    build.add_argument(
        "--version-label",
        dest="docset_version",
        help="docset version (default: the version in objects.inv)",
    )
    build.add_argument(
        "--base-url",
        help="URL the HTML is published at, for links (default: the files themselves)",
    )
    build.add_argument("--quiet", action="store_true", help="no progress output, only the summary")

    lookup = commands.add_parser("lookup", help="print the docs of a name, e.g. json.dumps")
    lookup.add_argument(
        "name",
        help="a qualified name (json.dumps), a short one (dumps), or as typed in code "
        "(json.dumps(), os.path.join(); case is ignored when nothing matches exactly)",
    )
    _add_database_options(lookup)

    search = commands.add_parser("search", help="search the docs, ranked like workspace symbols")
    search.add_argument("query", help="what to search for, e.g. 'dumps' or 'path join'")
    search.add_argument(
        "--limit", type=_positive, default=20, help="how many results (default: %(default)s)"
    )
    _add_database_options(search)

    info = commands.add_parser("info", help="show the loaded databases and docsets")
    _add_database_options(info)

    # The docset library: add / list / remove / update.
    from docs_daemon.library.command import add_commands

    add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "serve":
        from docs_daemon.server import run_server

        return run_server(args)
    if args.command == "build":
        from docs_daemon.builder.command import run_build

        return run_build(args)
    from docs_daemon.library.command import COMMANDS, run_library_command

    if args.command in COMMANDS:
        return run_library_command(args)
    from docs_daemon import terminal

    runners = {
        "lookup": terminal.run_lookup,
        "search": terminal.run_search,
        "info": terminal.run_info,
    }
    return runners[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
