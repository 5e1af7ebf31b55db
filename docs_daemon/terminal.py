"""The people-facing commands ``lookup``, ``search`` and ``info``, through the same store the
language server uses, printed as plain text for a terminal."""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

from docs_daemon.bundled import bundled_database_path
from docs_daemon.store import DocStore, Entry, EntryBrief, StoreError

_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def database_paths(args: argparse.Namespace) -> list[Path]:
    """``--db`` paths in the order given, then the bundled database unless ``--no-bundled``."""
    paths = [Path(path) for path in args.databases]
    if not args.no_bundled:
        paths.append(bundled_database_path())
    return paths


def markdown_to_text(markdown: str) -> str:
    """Readable terminal text from an entry's Markdown: links become their text, bold
    markers go; code spans, lists and code blocks read fine as they are."""
    text = _LINK.sub(r"\1", markdown)
    return _EMPHASIS.sub(r"\2", text)


def _width() -> int:
    return max(40, min(100, shutil.get_terminal_size((100, 24)).columns))


def entry_text(entry: Entry) -> str:
    """An entry as a terminal page: heading with signature, summary, body, link."""
    width = _width()
    heading = f"{entry.qualname}{entry.signature}"
    origin = f"{entry.kind.value} · {entry.docset}"
    parts = [heading, "=" * min(len(heading), width), origin, ""]
    body = markdown_to_text(entry.body or entry.summary).strip()
    if body:
        parts.extend([body, ""])
    if entry.url:
        parts.append(entry.url)
    return "\n".join(parts)


def brief_line(entry: EntryBrief, width: int) -> str:
    """One search result: qualified name, kind, and as much of the summary as fits."""
    head = f"{entry.qualname}  ({entry.kind.value})"
    summary = " ".join(markdown_to_text(entry.summary).split())
    room = width - len(head) - 3
    if summary and room > 10:
        return f"{head}  {textwrap.shorten(summary, room, placeholder='…')}"
    return head


def _size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size / 1024:.0f} KiB"


async def _lookup(store: DocStore, name: str) -> int:
    entry = await store.lookup(name)
    others: list[Entry] = []
    if entry is None:
        found = await store.resolve(name, limit=8)
        if not found:
            print(f"docs-daemon: no documentation for {name!r}", file=sys.stderr)
            return 1
        entry, others = found[0], found[1:]
    print(entry_text(entry))
    if others:
        print("\nOther candidates:")
        for other in others:
            print(f"  {other.qualname}  ({other.kind.value})")
    return 0


async def _search(store: DocStore, query: str, limit: int) -> int:
    results = await store.search(query, limit=limit)
    if not results:
        print(f"docs-daemon: nothing matches {query!r}", file=sys.stderr)
        return 1
    width = _width()
    for entry in results:
        print(brief_line(entry, width))
    return 0


async def _info(store: DocStore) -> int:
    for database in await store.databases():
        print(database.path)
        print(
            f"  {_size(database.size_bytes)} served from {database.mode}, loaded in "
            f"{database.load_seconds * 1e3:.0f} ms; schema {database.schema_version}, "
            f"built {database.built_at or 'unknown'}"
            + (f" by {database.builder_version}" if database.builder_version else "")
        )
        for docset in database.docsets:
            version = f" {docset.version}" if docset.version else ""
            print(f"  docset {docset.name}{version}: {docset.entry_count} entries")
            if docset.source:
                print(f"    from {docset.source}")
            if docset.base_url:
                print(f"    at {docset.base_url}")
    return 0


def _run(args: argparse.Namespace, command: Callable[[DocStore], Awaitable[int]]) -> int:
    """Load the databases, run one command, and turn store errors into one clear line."""

    async def main() -> int:
        store = DocStore(database_paths(args))
        try:
            await store.wait_ready()
            return await command(store)
        finally:
            await store.close()

    try:
        return asyncio.run(main())
    except (StoreError, FileNotFoundError) as error:
        print(f"docs-daemon: {error}", file=sys.stderr)
        return 1


def run_lookup(args: argparse.Namespace) -> int:
    """``docs-daemon lookup NAME``: the entry, or the best match and the other candidates."""
    return _run(args, lambda store: _lookup(store, args.name))


def run_search(args: argparse.Namespace) -> int:
    """``docs-daemon search QUERY``: the ranked results, one a line."""
    return _run(args, lambda store: _search(store, args.query, args.limit))


def run_info(args: argparse.Namespace) -> int:
    """``docs-daemon info``: databases, docsets, versions, counts, sizes and load times."""
    return _run(args, _info)
