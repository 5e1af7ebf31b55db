"""The document model against a simple reference model of the client's copy: random texts
(CRLF, lone CR, form feeds, U+2028, astral characters, lone surrogates) and random edits
(multi-line, past the end, reversed, several per notification) in every position encoding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from docs_daemon.documents import OpenDocuments, Snapshot, split_lines
from docs_daemon.documents.units import Encoding, to_index, to_units
from docs_daemon.python_source.document import scan
from tests.unit.reference_document import (
    ENCODINGS,
    PIECES,
    ReferenceDocument,
    change,
    position,
    texts,
)


def _same(snapshot: Snapshot, reference: ReferenceDocument) -> None:
    assert snapshot.text == reference.text
    assert list(snapshot.lines) == reference.lines()
    assert snapshot.length == len(snapshot.text)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS))
def test_edits_match_the_reference_model(data: st.DataObject, encoding: Encoding) -> None:
    documents = OpenDocuments()
    documents.encoding = encoding
    text = data.draw(texts(encoding), label="opened with")
    snapshot = documents.open("file:///d.py", 1, text)
    reference = ReferenceDocument(text, encoding)
    _same(snapshot, reference)
    for version in range(2, data.draw(st.integers(1, 8)) + 2):
        changes = []
        for _ in range(data.draw(st.integers(1, 4))):
            edit = change(data, reference)
            reference.apply(edit)  # each change applies to the result of the one before
            changes.append(edit)
        # alternate between a document split into lines and one known only as text
        if data.draw(st.booleans()):
            snapshot = documents.open("file:///d.py", version, snapshot.text)
        changed = documents.change("file:///d.py", version, changes)
        assert changed is not None
        snapshot = changed
        _same(snapshot, reference)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS))
def test_positions_convert_and_clamp_like_the_reference(
    data: st.DataObject, encoding: Encoding
) -> None:
    text = data.draw(texts(encoding))
    snapshot = Snapshot("file:///d.py", 1, 1, encoding, text=text)
    reference = ReferenceDocument(text, encoding)
    asked = position(data, reference)
    line, index = snapshot.clamp(asked)
    assert snapshot.client_position(line, index) == reference.position(asked)


def _edited(opened: str, start: tuple[int, int], end: tuple[int, int], text: str) -> Snapshot:
    """``opened`` after one edit, as the model applies it."""
    documents = OpenDocuments()
    documents.open("file:///d.py", 1, opened)
    edit = types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        ),
        text=text,
    )
    changed = documents.change("file:///d.py", 2, [edit])
    assert changed is not None
    return changed


def test_lines_end_only_where_lsp_says() -> None:
    text = "a\fb\vc\x1cd\x85e\u2028f\u2029g\rh\r\ni\n\nj"
    assert split_lines(text) == ("a\fb\vc\x1cd\x85e\u2028f\u2029g\r", "h\r\n", "i\n", "\n", "j")
    assert split_lines("") == ("",)
    assert split_lines("x\n") == ("x\n", "")
    assert split_lines("x\r") == ("x\r", "")


@given(st.lists(st.sampled_from([*PIECES, "import json\n", "'''\n", "# c\r\n"])).map("".join))
def test_python_source_indexes_the_same_lines(text: str) -> None:
    """The lines ``python_source`` indexes cursors by are the model's LSP lines."""
    snapshot = Snapshot("file:///d.py", 1, 1, "utf-16", text=text)
    assert scan(snapshot.text).lines == list(snapshot.lines)


@pytest.mark.parametrize(
    ("start", "end", "text", "expected"),
    [
        ((0, 0), (0, 1), "", "\nx"),  # past the end of an empty line: its newline stays
        ((0, 2), (0, 2), "!", "ab!\r\nx"),  # past the end of a CRLF line: before the CRLF
        ((1, 2**31 - 1), (1, 2**31 - 1), "!", "ab\r\nx!"),  # the end-of-line idiom
        ((7, 0), (9, 9), "!", "ab\r\nx!"),  # past the last line: the document end
        ((1, 0), (0, 1), "-", "a-x"),  # a reversed range
    ],
)
def test_past_the_end_positions(
    start: tuple[int, int], end: tuple[int, int], text: str, expected: str
) -> None:
    opened = "\nx" if expected == "\nx" else "ab\r\nx"
    assert _edited(opened, start, end, text).text == expected


def test_an_inserted_newline_after_a_lone_cr_makes_one_line_end() -> None:
    assert list(_edited("a\rb", (1, 0), (1, 0), "\n").lines) == ["a", "b"]


def test_halves_of_a_pair_inserted_apart_make_one_character_in_utf16() -> None:
    changed = _edited("a\ud83d", (0, 2), (0, 2), "\ude00b")
    assert changed.text == "a😀b"
    assert changed.client_position(0, 2) == types.Position(line=0, character=3)


def test_revisions_are_the_servers_own() -> None:
    """A reopened document, or a version number used twice, is a new revision."""
    documents = OpenDocuments()
    first = documents.open("file:///d.py", 1, "a")
    documents.close("file:///d.py")
    second = documents.open("file:///d.py", 1, "a")
    same_version = documents.change(
        "file:///d.py", 1, [types.TextDocumentContentChangeWholeDocument(text="b")]
    )
    assert same_version is not None
    assert len({first.revision, second.revision, same_version.revision}) == 3
    assert documents.get("file:///d.py") is same_version


def test_derived_values_are_computed_once_per_snapshot() -> None:
    calls: list[str] = []

    def measure(text: str) -> int:
        calls.append(text)
        return len(text)

    documents = OpenDocuments()
    snapshot = documents.open("file:///d.py", 1, "abc")
    assert snapshot.derive(measure) == snapshot.derive(measure) == 3
    changed = documents.change(
        "file:///d.py", 2, [types.TextDocumentContentChangeWholeDocument(text="abcd")]
    )
    assert changed is not None and changed.derive(measure) == 4
    assert calls == ["abc", "abcd"]


def test_a_change_to_a_document_not_open_is_ignored() -> None:
    documents = OpenDocuments()
    whole = types.TextDocumentContentChangeWholeDocument(text="x")
    assert documents.change("file:///never-opened.py", 2, [whole]) is None
    assert documents.get("file:///never-opened.py") is None


def test_a_request_keeps_the_documents_it_found() -> None:
    documents = OpenDocuments()
    documents.open("file:///d.py", 1, "old")
    with documents.captured():
        documents.change(
            "file:///d.py", 2, [types.TextDocumentContentChangeWholeDocument(text="new")]
        )
        kept = documents.get("file:///d.py")
    assert kept is not None and kept.text == "old"
    latest = documents.get("file:///d.py")
    assert latest is not None and latest.text == "new"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_units_round_trip_on_whole_characters(encoding: Encoding) -> None:
    line = "a😀é€\ud83db"
    for index in range(len(line) + 1):
        assert to_index(line, to_units(line, index, encoding), encoding) == index
