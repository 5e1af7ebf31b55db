"""The one place documentation kinds become LSP completion and symbol kinds."""

from __future__ import annotations

from lsprotocol import types

from docs_daemon.vocabulary import Kind

_COMPLETION_KINDS: dict[Kind, types.CompletionItemKind] = {
    Kind.MODULE: types.CompletionItemKind.Module,
    Kind.CLASS: types.CompletionItemKind.Class,
    Kind.EXCEPTION: types.CompletionItemKind.Class,
    Kind.FUNCTION: types.CompletionItemKind.Function,
    Kind.METHOD: types.CompletionItemKind.Method,
    Kind.CLASSMETHOD: types.CompletionItemKind.Method,
    Kind.STATICMETHOD: types.CompletionItemKind.Method,
    Kind.ATTRIBUTE: types.CompletionItemKind.Field,
    Kind.PROPERTY: types.CompletionItemKind.Property,
    Kind.DATA: types.CompletionItemKind.Constant,
    Kind.DECORATOR: types.CompletionItemKind.Function,
    Kind.KEYWORD: types.CompletionItemKind.Keyword,
}

_SYMBOL_KINDS: dict[Kind, types.SymbolKind] = {
    Kind.MODULE: types.SymbolKind.Module,
    Kind.CLASS: types.SymbolKind.Class,
    Kind.EXCEPTION: types.SymbolKind.Class,
    Kind.FUNCTION: types.SymbolKind.Function,
    Kind.METHOD: types.SymbolKind.Method,
    Kind.CLASSMETHOD: types.SymbolKind.Method,
    Kind.STATICMETHOD: types.SymbolKind.Method,
    Kind.ATTRIBUTE: types.SymbolKind.Field,
    Kind.PROPERTY: types.SymbolKind.Property,
    Kind.DATA: types.SymbolKind.Constant,
    Kind.DECORATOR: types.SymbolKind.Function,
    Kind.KEYWORD: types.SymbolKind.Key,
}


def completion_kind(kind: Kind) -> types.CompletionItemKind:
    return _COMPLETION_KINDS.get(kind, types.CompletionItemKind.Text)


def symbol_kind(kind: Kind) -> types.SymbolKind:
    return _SYMBOL_KINDS.get(kind, types.SymbolKind.String)
