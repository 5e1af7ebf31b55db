"""textDocument/completion and completionItem/resolve: documented members and module names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from docs_daemon.features.kinds import completion_kind
from docs_daemon.features.resolution import receiver_classes
from docs_daemon.python_source import CompletionContext, completion_context
from docs_daemon.render import completion_markdown, package_markdown, short_signature
from docs_daemon.store.models import EntryBrief

if TYPE_CHECKING:
    from docs_daemon.features.context import FeatureContext
    from docs_daemon.features.documents import Cursor

TRIGGER_CHARACTERS = ["."]
#: Most characters of a signature shown beside a completion label (the list is narrow).
LABEL_SIGNATURE_LIMIT = 60


async def completion(
    ctx: FeatureContext, params: types.CompletionParams
) -> types.CompletionList | None:
    at = await ctx.reader.analyse_at(params.text_document.uri, params.position, completion_context)
    if at is None:
        return None
    cursor, context = at
    store = await ctx.ready_store()
    limit = ctx.settings.max_results
    entries: list[EntryBrief]
    if context.kind == "module":
        entries = await store.modules(context.parent, limit=limit + 1)
        items = _module_items(entries, context, cursor)
    else:
        parents: tuple[str, ...] = (context.parent, *context.receiver_candidates)
        if context.infer is not None:
            answer = await receiver_classes(ctx.inference, cursor, context.infer)
            # ``object``'s documented dunders would bury the type's own members.
            parents = tuple(
                name
                for group in (answer.groups if answer else ())
                for name in group
                if name != "object"
            )
        entries = []
        for parent in parents:
            if not parent:
                continue
            entries += await store.members(parent, context.prefix, limit=limit + 1)
            if entries and context.infer is None:
                break  # a literal's type, then where the docs file its methods
        if context.kind == "import_member":
            entries += await store.modules(context.parent + "." + context.prefix, limit=limit)
        items = [_item(entry, entry.name, context, cursor) for entry in _unique(entries)]
    return types.CompletionList(is_incomplete=len(items) > limit, items=items[:limit])


def _unique(entries: list[EntryBrief]) -> list[EntryBrief]:
    """The first entry per name: earlier docsets take precedence."""
    seen: set[str] = set()
    result = []
    for entry in entries:
        if entry.name not in seen:
            seen.add(entry.name)
            result.append(entry)
    return result


def _module_items(
    entries: list[EntryBrief], context: CompletionContext, cursor: Cursor
) -> list[types.CompletionItem]:
    """``import xml.e|`` completes the next component only: ``etree``, not ``xml.etree.cEle…``."""
    typed = context.parent
    base = typed.rsplit(".", 1)[0] + "." if "." in typed else ""
    items = []
    seen: set[str] = set()
    for entry in entries:
        rest = entry.qualname[len(base) :]
        label = rest.split(".", 1)[0]
        if not entry.qualname.startswith(base) or not label or label in seen:
            continue
        seen.add(label)
        exact = base + label == entry.qualname
        items.append(_item(entry if exact else None, label, context, cursor, module=base + label))
    return items


def _item(
    entry: EntryBrief | None,
    label: str,
    context: CompletionContext,
    cursor: Cursor,
    module: str | None = None,
) -> types.CompletionItem:
    edit_range = cursor.client_range(context.line, context.start, context.end)
    data: dict[str, Any] = {"qualname": entry.qualname if entry else module}
    if entry is None:
        return types.CompletionItem(
            label=label,
            kind=types.CompletionItemKind.Module,
            detail=module,
            text_edit=types.TextEdit(range=edit_range, new_text=label),
            data=data,
        )
    data["docset"] = entry.docset
    return types.CompletionItem(
        label=label,
        kind=completion_kind(entry.kind),
        detail=short_signature(entry),
        label_details=_label_details(entry, context),
        text_edit=types.TextEdit(range=edit_range, new_text=label),
        data=data,
    )


def _label_details(
    entry: EntryBrief, context: CompletionContext
) -> types.CompletionItemLabelDetails | None:
    """The parameters right after the name; the owner only where the user did not type it.

    After ``os.path.`` every row's owner is ``os.path``, so repeating it says nothing; after
    ``"x".`` or an unknown receiver the owner (``str``) tells the candidates apart.
    """
    signature = " ".join(entry.signature.split())
    if len(signature) > LABEL_SIGNATURE_LIMIT:
        signature = signature[: LABEL_SIGNATURE_LIMIT - 1] + "…"
    owner = entry.parent if entry.parent and entry.parent != context.parent else None
    if not signature and owner is None:
        return None
    return types.CompletionItemLabelDetails(detail=signature or None, description=owner)


async def resolve(ctx: FeatureContext, item: types.CompletionItem) -> types.CompletionItem:
    data = item.data if isinstance(item.data, dict) else None
    qualname = data.get("qualname") if data else None
    if not isinstance(qualname, str):
        return item
    store = await ctx.ready_store()
    entry = await store.lookup(qualname)
    if entry is not None:
        text = completion_markdown(entry, ctx.settings.hover_max_length)
    else:  # an undocumented package such as ``xml.etree``: show what it contains
        submodules = await store.modules(qualname + ".", limit=ctx.settings.max_results)
        if not submodules:
            return item
        text = package_markdown(qualname, submodules)
    item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return item
