"""Pipelined traffic through the real protocol and pygls' message loop: every request reads
the document as of its place in the stream, however many changes were read after it."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import converters

from tests.unit.in_process import READ_METHOD, exchange, message, reading_server
from tests.unit.reference_document import ReferenceDocument, change, texts

_CONVERTER = converters.get_converter()
_ids = itertools.count(1)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_requests_read_their_place_in_the_stream(data: st.DataObject, tmp_path: Path) -> None:
    server = reading_server(tmp_path)
    uri = f"file:///pipelined/{next(_ids)}.py"
    frames: list[bytes] = []
    expected: dict[int, str | None] = {}
    reference: ReferenceDocument | None = None
    for version in range(2, data.draw(st.integers(1, 12), label="messages") + 2):
        kind = data.draw(st.sampled_from(["open", "change", "change", "read", "read", "close"]))
        if kind == "open" or (kind == "change" and reference is None):
            text = data.draw(texts("utf-16"))
            reference = ReferenceDocument(text, "utf-16")
            item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
            frames.append(
                message({"method": "textDocument/didOpen", "params": {"textDocument": item}})
            )
        elif kind == "change" and reference is not None:
            changes = [change(data, reference) for _ in range(data.draw(st.integers(1, 3)))]
            for edit in changes:
                reference.apply(edit)
            params: dict[str, Any] = {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": _CONVERTER.unstructure(changes),
            }
            frames.append(message({"method": "textDocument/didChange", "params": params}))
        elif kind == "close":
            reference = None
            frames.append(
                message(
                    {"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
                )
            )
        else:
            msg_id = next(_ids)
            expected[msg_id] = None if reference is None else reference.text
            frames.append(message({"id": msg_id, "method": READ_METHOD, "params": {"uri": uri}}))

    async def run() -> dict[int, Any]:
        written = await exchange(server, frames, answers=len(expected))
        return {msg_id: written.answer(msg_id).get("result") for msg_id in expected}

    assert asyncio.run(run()) == expected


async def test_background_work_reads_the_latest_documents(tmp_path: Path) -> None:
    """A task spawned while a request is dispatched outlives it: it must not keep (or read)
    the documents that request found."""
    server = reading_server(tmp_path)
    documents = server.documents
    documents.open("file:///a.py", 1, "old")
    seen: list[str | None] = []

    async def background() -> None:
        found = documents.get("file:///a.py")
        seen.append(None if found is None else found.text)

    with documents.captured():
        server.spawn(background())
    documents.open("file:///a.py", 2, "new")
    await asyncio.sleep(0)
    assert seen == ["new"]
