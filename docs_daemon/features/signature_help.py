"""textDocument/signatureHelp: the documented signature of the call being typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from docs_daemon.features.resolution import resolve_entry
from docs_daemon.python_source import call_context
from docs_daemon.render import signature_line, truncate_markdown
from docs_daemon.signatures import active_parameter, split_parameters

if TYPE_CHECKING:
    from docs_daemon.features.context import FeatureContext

TRIGGER_CHARACTERS = ["(", ","]


async def signature_help(
    ctx: FeatureContext, params: types.SignatureHelpParams
) -> types.SignatureHelp | None:
    at = await ctx.reader.analyse_at(params.text_document.uri, params.position, call_context)
    if at is None:
        return None
    cursor, call = at
    store = await ctx.ready_store()
    entry = (
        await resolve_entry(
            store, ctx.inference, cursor, call.candidates, call.infer, None, call.fallback
        )
    ).entry
    if entry is None or not entry.signature.startswith("("):
        return None
    label = signature_line(entry).rsplit("\n", 1)[-1]
    offset = len(label) - len(entry.signature)
    parameters = split_parameters(entry.signature)
    active = active_parameter(parameters, call.active_parameter, call.keyword)
    summary, _ = truncate_markdown(entry.summary, ctx.settings.hover_max_length)
    signature = types.SignatureInformation(
        label=label,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=summary),
        parameters=[
            types.ParameterInformation(label=(offset + p.start, offset + p.end)) for p in parameters
        ],
        active_parameter=active,
    )
    return types.SignatureHelp(signatures=[signature], active_signature=0, active_parameter=active)
