"""Parameter offsets in documented signatures and which one the cursor is on."""

from __future__ import annotations

import pytest

from docs_daemon.signatures import active_parameter, split_parameters

DUMPS = "(obj, *, skipkeys=False, indent=None, separators=(',', ':'), **kw)"


def test_split_respects_brackets_and_quotes() -> None:
    params = split_parameters(DUMPS)
    assert [p.name for p in params] == ["obj", "*", "skipkeys", "indent", "separators", "**kw"]
    assert [DUMPS[p.start : p.end] for p in params][4] == "separators=(',', ':')"


def test_positional_only_marker_and_optional_brackets_are_skipped() -> None:
    assert [p.name for p in split_parameters("(x, /, y=1)")] == ["x", "y"]


def test_not_a_signature() -> None:
    assert split_parameters("") == []
    assert split_parameters(" = 3") == []


@pytest.mark.parametrize(
    ("signature", "position", "keyword", "expected"),
    [
        (DUMPS, 0, None, "obj"),
        (DUMPS, 1, None, None),  # only keywords after the bare *
        (DUMPS, 0, "indent", "indent"),
        (DUMPS, 0, "nope", "**kw"),  # unknown keywords land in **kw
        ("(*paths)", 5, None, "*paths"),
        ("(a, b, *rest)", 1, None, "b"),
        ("(a, b)", 7, None, None),
    ],
)
def test_active_parameter(
    signature: str, position: int, keyword: str | None, expected: str | None
) -> None:
    params = split_parameters(signature)
    index = active_parameter(params, position, keyword)
    assert (params[index].name if index is not None else None) == expected
