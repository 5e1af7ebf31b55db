"""textDocument/hover: the documented entry under the cursor, rendered as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from docs_daemon.features.resolution import resolve_entry
from docs_daemon.python_source import target_at
from docs_daemon.render import candidates_markdown, hover_markdown

if TYPE_CHECKING:
    from docs_daemon.features.context import FeatureContext


async def hover(ctx: FeatureContext, params: types.HoverParams) -> types.Hover | None:
    at = await ctx.reader.analyse_at(params.text_document.uri, params.position, target_at)
    if at is None:
        return None
    cursor, target = at
    store = await ctx.ready_store()
    limit = ctx.settings.hover_max_length
    resolved = await resolve_entry(
        store, ctx.inference, cursor, target.candidates, target.infer, target.member
    )
    if resolved.entry is not None:
        text = hover_markdown(resolved.entry, limit)
    elif resolved.hedged:
        expression = cursor.lines[target.line][target.start : target.end]
        text = candidates_markdown(expression, resolved.hedged, limit)
    else:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=cursor.client_range(target.line, target.start, target.end),
    )
