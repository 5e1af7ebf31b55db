"""Completion of documented members and module names, with docs through completionItem/resolve."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_document, plain_text, split_cursor, units


async def _complete(client: LanguageClient, marked: str) -> types.CompletionList:
    text, position = split_cursor(marked, client)
    uri = open_document(client, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position,
            context=types.CompletionContext(
                trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character="."
            ),
        )
    )
    assert isinstance(result, types.CompletionList), result
    return result


#: (code with ‸, a label that must be offered, its LSP kind, a phrase of its resolved docs)
CASES = [
    ("import os\nos.path.‸", "join", types.CompletionItemKind.Function, "Join one or more path"),
    ("import os.path\nos.path.ex‸", "exists", types.CompletionItemKind.Function, "Return True"),
    ("from os import path\npath.‸", "join", types.CompletionItemKind.Function, "Join one or more"),
    ("import json\njson.‸", "dumps", types.CompletionItemKind.Function, "Serialize"),
    ("import json\njson.‸", "JSONDecodeError", types.CompletionItemKind.Class, "Subclass of"),
    (
        "import collections\ncollections.OrderedDict.‸",
        "move_to_end",
        types.CompletionItemKind.Method,
        "Move an existing",
    ),
    (
        "from collections import OrderedDict as OD\nOD.mo‸",
        "move_to_end",
        types.CompletionItemKind.Method,
        "Move an existing",
    ),
    ("import sys\nsys.‸", "argv", types.CompletionItemKind.Constant, "command line arguments"),
    ('"abc".‸', "split", types.CompletionItemKind.Method, "Return a list of the words"),
    ("import xml.e‸", "etree", types.CompletionItemKind.Module, "xml.etree.ElementTree"),
    (
        "import xml.etree.E‸",
        "ElementTree",
        types.CompletionItemKind.Module,
        "simple and efficient API",
    ),
    ("from os import pa‸", "path", types.CompletionItemKind.Module, "pathname"),
    ("import asyncio\nasyncio.ga‸", "gather", types.CompletionItemKind.Function, "concurrently"),
    # classes the docs describe without an entry of their own still own their methods
    (
        "import curses\ndef f(win: curses.window):\n    win.add‸",
        "addch",
        types.CompletionItemKind.Method,
        "Paint character",
    ),
    (
        "import re\ndef f(p: re.Pattern):\n    p.fi‸",
        "findall",
        types.CompletionItemKind.Method,
        "using the compiled pattern",
    ),
]


@pytest.mark.parametrize(("marked", "label", "kind", "phrase"), CASES, ids=[c[1] for c in CASES])
async def test_completion_offers_documented_members(
    client: LanguageClient, marked: str, label: str, kind: types.CompletionItemKind, phrase: str
) -> None:
    result = await _complete(client, marked)
    by_label = {item.label: item for item in result.items}
    assert label in by_label, sorted(by_label)[:40]
    item = by_label[label]
    assert item.kind == kind
    resolved = await client.completion_item_resolve_async(item)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert phrase.lower() in plain_text(resolved.documentation.value).lower()


async def test_completion_item_shows_the_signature_beside_the_name(client: LanguageClient) -> None:
    """The row reads ``join(a, *p)``: no owner repeated after ``os.path.`` was typed."""
    result = await _complete(client, "import os\nos.path.‸")
    join = next(item for item in result.items if item.label == "join")
    here = types.Position(line=1, character=len("os.path."))
    assert join == types.CompletionItem(
        label="join",
        kind=types.CompletionItemKind.Function,
        detail="join(path, *paths)",
        label_details=types.CompletionItemLabelDetails(detail="(path, *paths)"),
        text_edit=types.TextEdit(range=types.Range(start=here, end=here), new_text="join"),
        data={"qualname": "os.path.join", "docset": "python"},
    )
    assert all(
        item.label_details is None or item.label_details.description is None
        for item in result.items
    )


async def test_completion_shortens_a_long_signature(client: LanguageClient) -> None:
    result = await _complete(client, "import json\njson.dumps‸")
    dumps = next(item for item in result.items if item.label == "dumps")
    assert dumps.label_details == types.CompletionItemLabelDetails(
        detail="(obj, *, skipkeys=False, ensure_ascii=True, check_circular=…"
    )


async def test_completion_replaces_the_typed_prefix(client: LanguageClient) -> None:
    result = await _complete(client, "import json\nx = '😀'; json.du‸")
    dumps = next(item for item in result.items if item.label == "dumps")
    assert isinstance(dumps.text_edit, types.TextEdit)
    line = "x = '😀'; json.du"
    start = units(line[: line.index("du")], client)
    assert dumps.text_edit.range.start == types.Position(line=1, character=start)
    assert dumps.text_edit.range.end == types.Position(line=1, character=start + 2)


async def test_completion_is_bounded_by_max_results(client: LanguageClient) -> None:
    result = await _complete(client, "import os\nos.‸")  # os has far more than 50 members
    assert len(result.items) == 50
    assert result.is_incomplete


async def test_plain_identifier_gets_no_completion(client: LanguageClient) -> None:
    text, position = split_cursor("valu‸", client)
    uri = open_document(client, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    assert result is None or not (
        result.items if isinstance(result, types.CompletionList) else result
    )
