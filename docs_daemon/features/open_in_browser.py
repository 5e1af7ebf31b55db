"""The ``docsDaemon.openInBrowser`` command: show the online docs of the entry under the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from docs_daemon.features.resolution import resolve_entry
from docs_daemon.python_source import target_at

if TYPE_CHECKING:
    from docs_daemon.features.context import FeatureContext

COMMAND = "docsDaemon.openInBrowser"


def _position_argument(arguments: list[Any] | None) -> tuple[str, types.Position] | None:
    """Accept ``[{"textDocument": {"uri"}, "position": {"line", "character"}}]``."""
    if not arguments or not isinstance(arguments[0], dict):
        return None
    arg = arguments[0]
    document, position = arg.get("textDocument"), arg.get("position")
    if not isinstance(document, dict) or not isinstance(position, dict):
        return None
    uri, line, character = document.get("uri"), position.get("line"), position.get("character")
    if not isinstance(uri, str) or not isinstance(line, int) or not isinstance(character, int):
        return None
    return uri, types.Position(line=line, character=character)


async def open_in_browser(ctx: FeatureContext, arguments: list[Any] | None) -> str | None:
    """Resolve the argument (a position or a qualified name) and ask the client to open it."""
    store = await ctx.ready_store()
    entry = None
    if arguments and isinstance(arguments[0], str):
        entry = await store.lookup(arguments[0])
    elif (located := _position_argument(arguments)) is not None:
        at = await ctx.reader.analyse_at(located[0], located[1], target_at)
        if at is not None:
            cursor, target = at
            resolved = await resolve_entry(
                store, ctx.inference, cursor, target.candidates, target.infer, None, target.fallback
            )
            entry = resolved.entry
    if entry is None or not entry.url:
        ctx.inform("docs-daemon: no documented entry here")
        return None
    await ctx.show_document(entry.url)
    return entry.url
