"""UTF-16 columns (what LSP sends by default) against code point indexes (what Python uses)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docs_daemon.python_source import index_to_utf16, utf16_to_index

# "a😀b中c": the emoji takes two UTF-16 units, the CJK character one.
LINE = "a😀b中c"

UTF16_TO_INDEX = [
    (0, 0),
    (1, 1),
    (2, 1),  # between the halves of the emoji: round down to the emoji
    (3, 2),
    (4, 3),
    (5, 4),
    (6, 5),
    (7, 5),  # past the end: clamped
    (-3, 0),  # before the start: clamped
]


@pytest.mark.parametrize(("utf16", "index"), UTF16_TO_INDEX)
def test_utf16_to_index(utf16: int, index: int) -> None:
    assert utf16_to_index(LINE, utf16) == index


INDEX_TO_UTF16 = [(0, 0), (1, 1), (2, 3), (3, 4), (4, 5), (5, 6), (9, 6), (-1, 0)]


@pytest.mark.parametrize(("index", "utf16"), INDEX_TO_UTF16)
def test_index_to_utf16(index: int, utf16: int) -> None:
    assert index_to_utf16(LINE, index) == utf16


def test_ascii_and_bmp_lines_count_the_same_in_both() -> None:
    for line in ("json.dumps(x)", "名前 = json.dumps(x)", "é" * 5):
        for column in range(len(line) + 1):
            assert utf16_to_index(line, column) == column
            assert index_to_utf16(line, column) == column


def test_a_symbol_after_emoji_is_found_at_its_utf16_column() -> None:
    line = "s = '👩‍💻🎉' + json.dumps(x)"
    utf16_column = len(line.encode("utf-16-le")) // 2 - len("dumps(x)")
    assert line[utf16_to_index(line, utf16_column) :] == "dumps(x)"


def test_lone_surrogates_count_as_one_unit() -> None:
    line = "\ud800x"
    assert utf16_to_index(line, 1) == 1
    assert index_to_utf16(line, 2) == 2


@given(st.text(st.characters(blacklist_categories=["Cs"])), st.integers(-5, 200))
def test_round_trip_from_code_points(line: str, index: int) -> None:
    clamped = min(max(index, 0), len(line))
    assert utf16_to_index(line, index_to_utf16(line, index)) == clamped


@given(st.text(), st.integers(-5, 400))
def test_conversions_stay_in_range(line: str, column: int) -> None:
    index = utf16_to_index(line, column)
    assert 0 <= index <= len(line)
    assert 0 <= index_to_utf16(line, index) <= len(line.encode("utf-16-le", "surrogatepass")) // 2
