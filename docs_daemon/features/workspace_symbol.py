"""workspace/symbol: ranked docs search whose results open as readable Markdown pages.

Clients that can resolve symbols lazily (``workspace.symbol.resolveSupport`` with
``location.range``, e.g. VS Code) get URI-only locations and the page is written when the user
picks one; the others (e.g. Neovim) get full locations with pages written up front.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from docs_daemon.features.kinds import symbol_kind
from docs_daemon.store.models import EntryBrief

if TYPE_CHECKING:
    from docs_daemon.features.context import FeatureContext

_TOP = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
)


async def workspace_symbol(
    ctx: FeatureContext, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    query = params.query.strip()
    if not query:
        return []
    store = await ctx.ready_store()
    hits = await store.search(query, limit=ctx.settings.max_results)
    if ctx.lazy_symbol_locations:
        return [_symbol(hit, types.LocationUriOnly(uri=_uri(ctx, hit))) for hit in hits]
    # Clients that open the location directly need the page on disk now: write the ones this
    # process has not written yet (none, once warm), off the event loop.
    missing = [hit for hit in hits if not ctx.pages.has(hit.docset, hit.qualname)]
    if missing:
        entries = await store.lookup_many([hit.qualname for hit in missing])
        wanted = {(hit.docset, hit.qualname) for hit in missing}
        await asyncio.to_thread(
            ctx.pages.write_all, [e for e in entries if (e.docset, e.qualname) in wanted]
        )
        ctx.report_page_problem()
    return [
        _symbol(hit, types.Location(uri=_uri(ctx, hit), range=_TOP))
        for hit in hits
        if ctx.pages.has(hit.docset, hit.qualname)
    ]


def _uri(ctx: FeatureContext, hit: EntryBrief) -> str:
    return ctx.pages.uri_for(hit.docset, hit.qualname)


def _symbol(
    hit: EntryBrief, location: types.Location | types.LocationUriOnly
) -> types.WorkspaceSymbol:
    return types.WorkspaceSymbol(
        name=hit.name,
        kind=symbol_kind(hit.kind),
        container_name=hit.parent or hit.docset,
        location=location,
        data={"qualname": hit.qualname, "docset": hit.docset},
    )


async def resolve(ctx: FeatureContext, symbol: types.WorkspaceSymbol) -> types.WorkspaceSymbol:
    data = symbol.data if isinstance(symbol.data, dict) else {}
    qualname = data.get("qualname")
    if not isinstance(qualname, str):
        return symbol
    store = await ctx.ready_store()
    entry = next(
        (e for e in await store.lookup_many([qualname]) if e.docset == data.get("docset")),
        None,
    ) or await store.lookup(qualname)
    if entry is not None:
        uri = await asyncio.to_thread(ctx.pages.write, entry)
        ctx.report_page_problem()
        symbol.location = types.Location(uri=uri, range=_TOP)
    return symbol
