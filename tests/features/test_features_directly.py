"""Features driven directly through their narrow context: real documents, the real store on
the bundled database, real inference; results compared as whole lsprotocol objects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lsprotocol import types

from docs_daemon.documents import OpenDocuments
from docs_daemon.features import completion, hover, open_in_browser, signature_help
from docs_daemon.features.documents import DocumentReader
from docs_daemon.inference import InferenceClient
from docs_daemon.pages import PageCache
from docs_daemon.render import hover_markdown
from docs_daemon.settings import Settings
from docs_daemon.store import DocStore

URI = "file:///features/example.py"


@dataclass
class SmallContext:
    """Everything a feature may use, and nothing else of a server."""

    reader: DocumentReader
    store: DocStore
    pages: PageCache
    inference: InferenceClient | None = None
    settings: Settings = field(default_factory=Settings)
    python_version: tuple[int, int] | None = None
    lazy_symbol_locations: bool = False
    told: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)

    async def ready_store(self) -> DocStore:
        return self.store

    def report_page_problem(self) -> None:
        return None

    def inform(self, message: str) -> None:
        self.told.append(message)

    async def show_document(self, url: str) -> None:
        self.shown.append(url)


@pytest.fixture
async def context(bundled_db: Path, tmp_path: Path) -> AsyncIterator[SmallContext]:
    store = DocStore([bundled_db])
    await store.wait_ready()
    documents = OpenDocuments()
    yield SmallContext(DocumentReader(documents), store, PageCache(tmp_path / "pages"))
    await store.close()


def _open(context: SmallContext, text: str) -> None:
    context.reader.documents.open(URI, 1, text)


def _at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def test_hover_is_the_entry_rendered_over_the_expression(context: SmallContext) -> None:
    _open(context, "import json\nresult = json.dumps(obj)\n")
    result = await hover.hover(
        context,
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI), position=_at(1, 16)),
    )
    entry = await context.store.lookup("json.dumps")
    assert entry is not None
    assert result == types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=hover_markdown(entry, 4000)
        ),
        range=types.Range(start=_at(1, 9), end=_at(1, 19)),
    )


async def test_hover_on_a_parameter_named_like_a_module_is_nothing(context: SmallContext) -> None:
    _open(context, "def f(json):\n    return json.dumps(1)\n")
    for character in (12, 17):
        result = await hover.hover(
            context,
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=URI), position=_at(1, character)
            ),
        )
        assert result is None


async def test_hover_through_inference(context: SmallContext) -> None:
    context.inference = InferenceClient()
    try:
        _open(context, "from pathlib import Path\ndef f(p: Path):\n    return p.glob('*')\n")
        result = await hover.hover(
            context,
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=URI), position=_at(2, 17)
            ),
        )
    finally:
        await context.inference.close()
    entry = await context.store.lookup("pathlib.Path.glob")
    assert entry is not None
    assert result == types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=hover_markdown(entry, 4000)
        ),
        range=types.Range(start=_at(2, 11), end=_at(2, 17)),
    )


async def test_signature_help_marks_the_keyword_being_typed(context: SmallContext) -> None:
    _open(context, "import json\njson.dumps(obj, indent=")
    result = await signature_help.signature_help(
        context,
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=_at(1, 23)
        ),
    )
    assert result is not None
    label = result.signatures[0].label
    assert label.startswith("json.dumps(obj, *, skipkeys=False")
    active = result.signatures[0].parameters[result.active_parameter]  # type: ignore[index]
    start, end = active.label  # type: ignore[misc]
    assert label[start:end] == "indent=None"


async def test_completion_item_for_a_module_member(context: SmallContext) -> None:
    _open(context, "import json\njson.du")
    result = await completion.completion(
        context,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=_at(1, 7)
        ),
    )
    assert result is not None
    dumps = next(item for item in result.items if item.label == "dumps")
    assert dumps.text_edit == types.TextEdit(
        range=types.Range(start=_at(1, 5), end=_at(1, 7)), new_text="dumps"
    )
    assert dumps.kind == types.CompletionItemKind.Function
    assert dumps.data == {"qualname": "json.dumps", "docset": "python"}


async def test_open_in_browser_tells_the_editor_or_the_user(context: SmallContext) -> None:
    _open(context, "import json\njson.dumps(1)\nunknown_name\n")
    at_dumps = {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 7}}
    url = await open_in_browser.open_in_browser(context, [at_dumps])
    assert url == "https://docs.python.org/3.11/library/json.html#json.dumps"
    assert context.shown == [url]
    nowhere = {"textDocument": {"uri": URI}, "position": {"line": 2, "character": 3}}
    assert await open_in_browser.open_in_browser(context, [nowhere]) is None
    assert context.told == ["docs-daemon: no documented entry here"]
