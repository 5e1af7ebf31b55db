"""Client position units (UTF-8, UTF-16 or UTF-32, as negotiated) <-> code points on one line.

pygls' ``PositionCodec`` is not used: it counts a line's terminator as part of the line (so a
past-end character lands inside ``\\r\\n``), clamps past-end characters one short, mutates the
position it is given, and converts a character at a time in Python.
"""

from __future__ import annotations

from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]


def negotiated(kind: str | None) -> Encoding:
    """The encoding named in ``initialize``'s answer (UTF-16 when none was agreed)."""
    if kind == "utf-8":
        return "utf-8"
    return "utf-32" if kind == "utf-32" else "utf-16"


def to_index(line: str, units: int, encoding: Encoding) -> int:
    """The code point index ``units`` client units into ``line`` (a line without its end).

    Past the end means the end, as the protocol says; inside a character (half a surrogate
    pair, the middle of a UTF-8 sequence) rounds down to that character.
    """
    if units <= 0:
        return 0
    if encoding == "utf-32" or line.isascii():
        return min(units, len(line))
    if encoding == "utf-16":
        data = line.encode("utf-16-le", "surrogatepass")
        cut = 2 * units
        if cut >= len(data):
            return len(line)
        if 0xDC <= data[cut + 1] <= 0xDF and 0xD8 <= data[cut - 1] <= 0xDB:
            cut -= 2  # between the halves of a surrogate pair
        return len(data[:cut].decode("utf-16-le", "surrogatepass"))
    data = line.encode("utf-8", "surrogatepass")
    if units >= len(data):
        return len(line)
    while data[units] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
        units -= 1
    return len(data[:units].decode("utf-8", "surrogatepass"))


def to_units(line: str, index: int, encoding: Encoding) -> int:
    """The client units before code point ``index`` of ``line`` (clamped to the line)."""
    index = max(0, min(index, len(line)))
    if encoding == "utf-32" or line.isascii():
        return index
    if encoding == "utf-16":
        return len(line[:index].encode("utf-16-le", "surrogatepass")) // 2
    return len(line[:index].encode("utf-8", "surrogatepass"))
