"""The server's copy of a document is exactly the editor's: LSP lines, clamped positions,
edits applied in order, nothing read from an earlier document that had the same version."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_document, units

#: Characters Python's ``str.splitlines`` ends lines at and LSP does not.
NOT_LINE_ENDS = ["\f", "\v", "\x1c", "\u0085", "\u2028", "\u2029"]


def _change(
    uri: str, version: int, *changes: types.TextDocumentContentChangeEvent
) -> types.DidChangeTextDocumentParams:
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=list(changes),
    )


def _edit(
    start: tuple[int, int], end: tuple[int, int], text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        ),
        text=text,
    )


async def _hover(client: LanguageClient, uri: str, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
    )


def _heading(result: types.Hover | None) -> str:
    assert result is not None, "expected a hover, got null"
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value.split("\n\n", 1)[0]


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(line=line, character=end),
    )


@pytest.mark.parametrize("odd", NOT_LINE_ENDS, ids=[f"U+{ord(c):04X}" for c in NOT_LINE_ENDS])
async def test_hover_below_a_python_only_line_end(client: LanguageClient, odd: str) -> None:
    """``\\f`` or U+2028 do not end a line in LSP: the hover answers the line asked about."""
    prefix = f"s = 'a{odd}b'; "
    text = f"import json\n{prefix}json.dumps(1)\n"
    uri = open_document(client, text)
    start = units(prefix, client)
    result = await _hover(client, uri, 1, start + 7)
    assert "json.dumps" in _heading(result)
    assert result is not None
    assert result.range == _range(1, start, start + len("json.dumps"))


@pytest.mark.parametrize("odd", ["\f", "\u2028"], ids=["FF", "U+2028"])
async def test_edits_below_a_python_only_line_end_land_on_their_line(
    client: LanguageClient, odd: str
) -> None:
    uri = open_document(client, f"s = 'a{odd}b'\nimport json\njson.loads(1)\n")
    client.text_document_did_change(_change(uri, 2, _edit((2, 5), (2, 10), "dumps")))
    result = await _hover(client, uri, 2, 7)
    assert "json.dumps" in _heading(result)
    assert result is not None and result.range == _range(2, 0, 10)


async def test_form_feed_line_then_edits_above_and_below(client: LanguageClient) -> None:
    """Several changes in one notification, each applied to the result of the one before."""
    uri = open_document(client, "\f\nimport os\nos.getcwd()\n")
    client.text_document_did_change(
        _change(
            uri,
            2,
            _edit((1, 0), (1, 9), "import json"),
            _edit((2, 0), (2, 11), "json.dumps(1)"),
            _edit((0, 0), (0, 1), "\f\f"),
        )
    )
    result = await _hover(client, uri, 2, 7)
    assert "json.dumps" in _heading(result)


#: (the text opened, one edit with a position past an end, the line json.dumps ends up on):
#: a character past the line end means the line end, a line past the end the document end.
PAST_THE_END = [
    pytest.param("\nimport json\njson.dumps(1)\n", ((0, 0), (0, 1), ""), 2, id="empty-line"),
    pytest.param("import json\r\njson.dumps(1)\r\n", ((0, 12), (0, 12), " "), 1, id="crlf-line"),
    pytest.param(
        "import json\njson.dum", ((1, 2**31 - 1), (1, 2**31 - 1), "ps(1)"), 1, id="eol-idiom"
    ),
    pytest.param("import json\n", ((40, 3), (50, 0), "json.dumps(1)"), 1, id="past-last-line"),
]


@pytest.mark.parametrize(("text", "edit", "line"), PAST_THE_END)
async def test_positions_past_an_end_are_clamped(
    client: LanguageClient,
    text: str,
    edit: tuple[tuple[int, int], tuple[int, int], str],
    line: int,
) -> None:
    uri = open_document(client, text)
    client.text_document_did_change(_change(uri, 2, _edit(*edit)))
    result = await _hover(client, uri, line, 7)
    assert "json.dumps" in _heading(result)
    assert result is not None and result.range == _range(line, 0, 10)


#: 300 characters that both documents share, so a cache keyed by version, length and the
#: first 256 characters cannot tell them apart.
_SHARED = "#" * 300 + "\n"


@pytest.mark.parametrize("closed", [True, False], ids=["closed-first", "opened-again"])
async def test_a_reopened_document_with_the_same_version_reads_the_new_text(
    client: LanguageClient, closed: bool
) -> None:
    uri = open_document(client, _SHARED + "import json as m\nm.loads\n")
    assert "json" in _heading(await _hover(client, uri, 2, 0))
    if closed:
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=_SHARED + "import math as m\nm.floor\n",
            )
        )
    )
    heading = _heading(await _hover(client, uri, 2, 0))
    assert "math" in heading and "json" not in heading


async def test_a_reused_version_number_reads_the_new_text(client: LanguageClient) -> None:
    uri = open_document(client, _SHARED + "import json as m\nm.loads\n")
    assert "json" in _heading(await _hover(client, uri, 2, 0))
    client.text_document_did_change(
        _change(
            uri,
            1,
            types.TextDocumentContentChangeWholeDocument(
                text=_SHARED + "import math as m\nm.floor\n"
            ),
        )
    )
    heading = _heading(await _hover(client, uri, 2, 0))
    assert "math" in heading and "json" not in heading
