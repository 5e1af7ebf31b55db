"""workspace/symbol: ranked search whose locations open readable docs pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import PAGE_CACHE

TOP = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
)

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
    page_uri = (Path(PAGE_CACHE) / "pages" / "python" / "json.dumps.md").as_uri()
    located = types.Location(uri=page_uri, range=TOP)
    lazy = not isinstance(symbol.location, types.Location)
    # The picker shows the owner (container_name) beside the name; data is what resolve needs.
    assert symbol == types.WorkspaceSymbol(
        name="dumps",
        kind=types.SymbolKind.Function,
        container_name="json",
        location=types.LocationUriOnly(uri=page_uri) if lazy else located,
        data={"qualname": "json.dumps", "docset": "python"},
    )
    if lazy:  # lazily located: resolve it like VS Code
        symbol = await client.workspace_symbol_resolve_async(symbol)
    assert symbol.location == located
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


async def test_a_module_is_contained_by_its_docset(client: LanguageClient) -> None:
    symbol = next(s for s in await _search(client, "json") if _qualname(s) == "json")
    assert (symbol.name, symbol.kind, symbol.container_name) == (
        "json",
        types.SymbolKind.Module,
        "python",
    )


async def test_empty_query_is_empty(client: LanguageClient) -> None:
    assert await _search(client, "") == []
