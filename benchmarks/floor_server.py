"""A stock pygls server answering each hover with a fixed Markdown text, touching no document
and no database: what pygls' own stdio transport costs per request on this machine. (docs-daemon
reads stdin with its own reader, so it can answer faster than this floor.)

Run: ``python benchmarks/floor_server.py`` (stdio).
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

ANSWER = types.Hover(
    contents=types.MarkupContent(
        kind=types.MarkupKind.Markdown,
        value="```python\njson.dumps(obj, *, skipkeys=False)\n```\n\n" + "Serialize obj. " * 60,
    )
)


def create_server() -> LanguageServer:
    server = LanguageServer("pygls-floor", "0")

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover:
        return ANSWER

    @server.feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(
        ls: LanguageServer, params: types.WorkspaceSymbolParams
    ) -> list[types.SymbolInformation]:
        return []

    return server


if __name__ == "__main__":
    create_server().start_io()
