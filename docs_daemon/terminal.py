"""The people-facing commands ``lookup``, ``search`` and ``info``, through the same store the
language server uses; :mod:`docs_daemon.terminal_render` decides how the answers read."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from rich.console import Console, RenderableType
from rich.text import Text

from docs_daemon import terminal_render as out
from docs_daemon.bundled import bundled_database_path
from docs_daemon.store import DocsetInfo, DocStore, Entry, EntryBrief, StoreError, StoreEvent

#: How alike a name must be to a misspelt one to be offered (``difflib``'s usual cutoff).
CLOSE_ENOUGH = 0.6
#: How many nearest search results a failed lookup offers.
NEAREST = 5

#: A call or an unfinished call after the name: ``json.dumps()``, ``os.path.join(a, b``.
_CALL_TAIL = re.compile(r"\s*\(.*\Z", re.DOTALL)
_DOT_SPACES = re.compile(r"\s*\.\s*")


def database_paths(args: argparse.Namespace) -> list[Path]:
    """``--db`` paths in the order given, then the bundled database unless ``--no-bundled``."""
    paths = [Path(path) for path in args.databases]
    if not args.no_bundled:
        paths.append(bundled_database_path())
    return paths


def typed_name(text: str) -> str:
    """The dotted name meant by what someone typed or pasted: ``json.dumps()``,
    ``os.path.join(``, ``>>> len(x)``, `` `str.split` `` and ``os.path.`` name entries;
    keywords of two words (``async for``) keep their space."""
    name = text.strip().removeprefix(">>>").strip().strip("`'\"")
    name = _CALL_TAIL.sub("", name)
    name = _DOT_SPACES.sub(".", name).rstrip(".:")
    name = " ".join(name.split())
    return name or text.strip()


async def find_entry(store: DocStore, name: str) -> tuple[Entry | None, list[Entry]]:
    """The entry ``name`` means and the other candidates: the qualified name (in any case
    when no name matches exactly: ``JSON.dumps``), else a short name (``dumps``)."""
    entry = await store.lookup_nocase(name)
    if entry is not None:
        return entry, []
    found = await store.resolve(name, limit=8)
    return (found[0], found[1:]) if found else (None, [])


def docset_label(docset: DocsetInfo | None, fallback: str) -> str:
    if docset is None:
        return fallback
    return f"{docset.name} {docset.version}".strip()


async def not_found(store: DocStore, name: str, console: Console) -> list[RenderableType]:
    """Why nothing matched: the docs searched, a hint when the parent is documented (the
    name may be newer than those docs), and the nearest search results."""
    docsets = await store.docsets()
    searched = ", ".join(docset_label(d, d.name) for d in docsets) or "no"
    parent = name.rpartition(".")[0]
    owner = await store.lookup(parent) if parent else None
    if owner is not None:
        label = docset_label(_docset_named(docsets, owner.docset), owner.docset)
        message = f"{name!r} is not in the {label} docs; added in a later version?"
    else:
        message = f"{name!r} is not in the docs searched ({searched})"
    lines: list[RenderableType] = [Text(f"docs-daemon: {message}")]
    nearest = await nearest_entries(store, name, owner)
    if nearest:
        lines.extend(["Nearest matches:", out.result_lines(console, nearest)])
    return lines


async def nearest_entries(store: DocStore, name: str, owner: Entry | None) -> list[EntryBrief]:
    """What ``name`` may have meant: the ranked search's results, and for a documented parent
    its members spelled most like the last component (``os.path.joinn`` → ``os.path.join``)."""
    found = {brief.qualname: brief for brief in await store.search(name, limit=NEAREST)}
    if not found:
        found = {brief.qualname: brief for brief in await _misspelt(store, name)}
    if owner is not None:
        members = await store.members(owner.qualname)
        last = name.rpartition(".")[2]
        by_name = {member.name: member for member in members}
        for close in difflib.get_close_matches(last, list(by_name), n=NEAREST, cutoff=0.6):
            found.setdefault(by_name[close].qualname, by_name[close])
    return list(found.values())[:NEAREST]


async def _misspelt(store: DocStore, name: str) -> list[EntryBrief]:
    """For a name nothing starts with (``dumpz``, ``path.joinn``): the names starting with
    ever shorter beginnings of its last part, most alike first."""
    head, dot, last = name.rpartition(".")
    typed = last.lower()

    def likeness(brief: EntryBrief) -> float:
        return difflib.SequenceMatcher(None, typed, brief.name.lower()).ratio()

    for cut in range(len(last) - 1, max(2, len(last) // 2) - 1, -1):
        shorter = await store.search(head + dot + last[:cut], limit=NEAREST * 4)
        alike = sorted(
            (b for b in shorter if likeness(b) >= CLOSE_ENOUGH), key=likeness, reverse=True
        )
        if alike:
            return alike
    return []


def _docset_named(docsets: Sequence[DocsetInfo], name: str) -> DocsetInfo | None:
    return next((d for d in docsets if d.name == name), None)


async def _lookup(store: DocStore, typed: str) -> int:
    name = typed_name(typed)
    entry, others = await find_entry(store, name)
    if entry is None:
        errors = out.make_console(sys.stderr)
        out.write_out(out.render(errors, await not_found(store, name, errors)), sys.stderr)
        return 1
    console = out.make_console()
    label = docset_label(_docset_named(await store.docsets(), entry.docset), entry.docset)
    page = out.entry_page(console, entry, label)
    if others:
        page.extend(
            ["", Text("Other candidates:", style="bold"), out.result_lines(console, others)]
        )
    out.write_out(out.render(console, page))
    return 0


async def _search(store: DocStore, query: str, limit: int) -> int:
    results = await store.search(query, limit=limit)
    if not results:
        print(f"docs-daemon: nothing matches {query!r}", file=sys.stderr)
        return 1
    console = out.make_console()
    out.write_out(out.render(console, [out.result_lines(console, results)]))
    return 0


async def _info(store: DocStore) -> int:
    console = out.make_console()
    out.write_out(out.render(console, out.database_tables(await store.databases())))
    return 0


def _say_load_failures(event: StoreEvent) -> None:
    """A database that cannot be loaded is said on stderr; the others still answer."""
    if event.kind == "load_failed":
        print(f"docs-daemon: {event.message}", file=sys.stderr)


def _run(args: argparse.Namespace, command: Callable[[DocStore], Awaitable[int]]) -> int:
    """Load the databases, run one command, and turn store errors into one clear line."""

    async def main() -> int:
        store = DocStore(database_paths(args))
        store.add_listener(_say_load_failures)
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
    except out.ReaderGoneError:
        return 0  # ``| head`` took what it wanted: nothing failed


def run_lookup(args: argparse.Namespace) -> int:
    """``docs-daemon lookup NAME``: the entry, or the best match and the other candidates."""
    return _run(args, lambda store: _lookup(store, args.name))


def run_search(args: argparse.Namespace) -> int:
    """``docs-daemon search QUERY``: the ranked results, one a line."""
    return _run(args, lambda store: _search(store, args.query, args.limit))


def run_info(args: argparse.Namespace) -> int:
    """``docs-daemon info``: databases, docsets, versions, counts, sizes and load times."""
    return _run(args, _info)
