"""textDocument/hover: the documented entry under the cursor, rendered as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from docs_daemon.features.resolution import resolve_entry
from docs_daemon.python_source import target_at
from docs_daemon.render import candidates_markdown, hover_markdown, provenance_note

if TYPE_CHECKING:
    from docs_daemon.features.context import FeatureContext
    from docs_daemon.store import DocStore
    from docs_daemon.store.models import Entry


async def hover(ctx: FeatureContext, params: types.HoverParams) -> types.Hover | None:
    at = await ctx.reader.analyse_at(params.text_document.uri, params.position, target_at)
    if at is None:
        return None
    cursor, target = at
    store = await ctx.ready_store()
    limit = ctx.settings.hover_max_length
    resolved = await resolve_entry(
        store,
        ctx.inference,
        cursor,
        target.candidates,
        target.infer,
        target.member,
        target.fallback,
    )
    if resolved.entry is not None:
        text = hover_markdown(resolved.entry, limit, await _provenance(ctx, store, resolved.entry))
    elif resolved.hedged:
        expression = cursor.lines[target.line][target.start : target.end]
        text = candidates_markdown(expression, resolved.hedged, limit)
    else:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=cursor.client_range(target.line, target.start, target.end),
    )


async def _provenance(ctx: FeatureContext, store: DocStore, entry: Entry) -> str:
    """A line saying where the text comes from, when it is not the official docs of exactly
    what the workspace runs (see ``render.provenance_note``)."""
    if entry.origin != "docstrings" and entry.docset != "python":
        return ""
    version = next((d.version for d in await store.docsets() if d.name == entry.docset), "")
    return provenance_note(entry, version, ctx.python_version)
