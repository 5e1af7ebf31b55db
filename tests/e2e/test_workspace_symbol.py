"""workspace/symbol: ranked search whose locations open readable docs pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

#: (query, the qualified name expected among the first results, how many results may precede it)
CASES = [
    ("dumps", "json.dumps", 3),
    ("OrderedDict", "collections.OrderedDict", 0),
    ("path join", "os.path.join", 2),
    ("odict", "collections.OrderedDict", 5),
    ("move_to_end", "collections.OrderedDict.move_to_end", 0),
    ("urlparse", "urllib.parse.urlparse", 0),
    ("getcwd", "os.getcwd", 1),
]


def _qualname(symbol: types.WorkspaceSymbol | types.SymbolInformation) -> str:
    assert isinstance(symbol, types.WorkspaceSymbol)
    assert isinstance(symbol.data, dict)
    return str(symbol.data["qualname"])


async def _search(client: LanguageClient, query: str) -> list[types.WorkspaceSymbol]:
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    assert result is not None
    return [s for s in result if isinstance(s, types.WorkspaceSymbol)]


@pytest.mark.parametrize(("query", "qualname", "rank"), CASES, ids=[c[0] for c in CASES])
async def test_symbol_search_ranks_sensibly(
    client: LanguageClient, query: str, qualname: str, rank: int
) -> None:
    names = [_qualname(s) for s in await _search(client, query)]
    assert qualname in names[: rank + 1], names[:10]


async def test_symbol_opens_a_readable_page(client: LanguageClient) -> None:
    symbols = await _search(client, "dumps")
    symbol = next(s for s in symbols if _qualname(s) == "json.dumps")
    assert symbol.name == "dumps"
    assert symbol.container_name == "json"
    assert symbol.kind == types.SymbolKind.Function
    if not isinstance(symbol.location, types.Location):  # lazily located: resolve it like VS Code
        symbol = await client.workspace_symbol_resolve_async(symbol)
    assert isinstance(symbol.location, types.Location)
    path = Path(unquote(urlparse(symbol.location.uri).path))
    page = path.read_text(encoding="utf-8")
    assert page.startswith("# json.dumps")
    assert "Serialize" in page
    assert "https://docs.python.org/3.11/library/json.html#json.dumps" in page


@pytest.mark.parametrize(
    "query", ['"', "*", "AND", "NEAR(", "-x", "a:b", "'; DROP TABLE", "((", "^"]
)
async def test_fts_syntax_is_plain_text(client: LanguageClient, query: str) -> None:
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    assert result is not None  # an answer (possibly empty), not an error


async def test_empty_query_is_empty(client: LanguageClient) -> None:
    assert await _search(client, "") == []
