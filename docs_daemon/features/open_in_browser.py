"""The ``docsDaemon.openInBrowser`` command: show the online docs of the entry under the cursor."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from docs_daemon.features.resolution import resolve_entry
from docs_daemon.python_source import target_at

if TYPE_CHECKING:
    from docs_daemon.server import DocsServer

COMMAND = "docsDaemon.openInBrowser"
#: A client that never answers ``window/showDocument`` must not hang the command.
SHOW_DOCUMENT_TIMEOUT = 5.0

log = logging.getLogger(__name__)


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


async def open_in_browser(ls: DocsServer, arguments: list[Any] | None) -> str | None:
    """Resolve the argument (a position or a qualified name) and ask the client to open it."""
    store = await ls.ready_store()
    entry = None
    if arguments and isinstance(arguments[0], str):
        entry = await store.lookup(arguments[0])
    elif (located := _position_argument(arguments)) is not None:
        at = await ls.reader.analyse_at(located[0], located[1], target_at)
        if at is not None:
            cursor, target = at
            resolved = await resolve_entry(
                store, ls.inference, cursor, target.candidates, target.infer, None
            )
            entry = resolved.entry
    if entry is None or not entry.url:
        ls.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Info, message="docs-daemon: no documented entry here"
            )
        )
        return None
    url = entry.url
    window = ls.client_capabilities.window
    if window is not None and window.show_document is not None and window.show_document.support:
        try:
            await asyncio.wait_for(
                ls.window_show_document_async(types.ShowDocumentParams(uri=url, external=True)),
                timeout=SHOW_DOCUMENT_TIMEOUT,
            )
        except (TimeoutError, Exception) as error:  # the URL is still returned for the client
            log.info("window/showDocument failed: %s", error)
    return url
