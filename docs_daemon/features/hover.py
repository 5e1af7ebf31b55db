"""textDocument/hover: the documented entry under the cursor, rendered as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from docs_daemon.python_source import target_at
from docs_daemon.render import candidates_markdown, hover_markdown

if TYPE_CHECKING:
    from docs_daemon.server import DocsServer

#: How many candidates a hover on ``<unknown>.member`` lists.
MEMBER_CANDIDATES = 3


async def hover(ls: DocsServer, params: types.HoverParams) -> types.Hover | None:
    at = await ls.reader.analyse_at(params.text_document.uri, params.position, target_at)
    if at is None:
        return None
    cursor, target = at
    store = await ls.ready_store()
    limit = ls.settings.hover_max_length
    found = await store.lookup_many(target.candidates) if target.candidates else []
    if found:
        text = hover_markdown(found[0], limit)
    elif target.member is not None:
        candidates = await store.resolve(target.member, limit=MEMBER_CANDIDATES)
        if not candidates:
            return None
        expression = cursor.lines[target.line][target.start : target.end]
        text = candidates_markdown(expression, candidates, limit)
    else:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=cursor.client_range(target.line, target.start, target.end),
    )
