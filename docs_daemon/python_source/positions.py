"""LSP positions count UTF-16 code units; Python strings index code points. Convert, never raise."""

from __future__ import annotations


def utf16_to_index(line_text: str, utf16_column: int) -> int:
    """The code point index of a UTF-16 column, clamped to the line.

    A column that falls between the two halves of a surrogate pair rounds down to the
    character it splits, so the result always names a whole character.
    """
    if utf16_column <= 0:
        return 0
    if line_text.isascii():
        return min(utf16_column, len(line_text))
    units = line_text.encode("utf-16-le", "surrogatepass")
    head = units[: 2 * utf16_column].decode("utf-16-le", "surrogatepass")
    count = len(head)
    if count and "\ud800" <= head[-1] <= "\udbff" and line_text[count - 1] != head[-1]:
        return count - 1  # cut an astral character in half: round down to it
    return count


def index_to_utf16(line_text: str, index: int) -> int:
    """The UTF-16 column of a code point index, clamped to the line."""
    if index <= 0:
        return 0
    index = min(index, len(line_text))
    if line_text.isascii():
        return index
    return len(line_text[:index].encode("utf-16-le", "surrogatepass")) // 2
