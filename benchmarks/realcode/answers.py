"""What a docs-daemon hover shows, read back from its Markdown (``docs_daemon/render.py``):
one definite entry, a hedged list of candidates, or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEDGE = re.compile(r"^\*\*`[^`]*`\*\* — receiver unknown; documented candidates:")
_KEYWORD = re.compile(r"^\*\*`(?P<name>[^`]+)`\*\* — keyword")
_PACKAGE = re.compile(r"^\*\*(?P<name>[\w.]+)\*\* — package;")
_QUALNAME = re.compile(r"^(?:class |exception |module )?(?P<name>[A-Za-z_][\w.]*)")
_SEPARATOR = "\n\n---\n\n"


@dataclass(frozen=True, slots=True)
class Answer:
    #: ``definite``, ``hedged``, ``empty``, or ``unparsed`` (a hover this reader does not know:
    #: the render format changed and this module needs updating).
    kind: str
    #: The entry shown, or the candidates listed, as qualified names.
    names: tuple[str, ...] = ()


def read_hover(markdown: str) -> Answer:
    text = markdown.strip()
    if not text:
        return Answer("empty")
    if _HEDGE.match(text):
        parts = text.split(_SEPARATOR)[1:]
        names = tuple(name for part in parts if (name := _entry_name(part)) is not None)
        return Answer("hedged", names)
    keyword = _KEYWORD.match(text)
    if keyword:
        return Answer("definite", (keyword.group("name"),))
    package = _PACKAGE.match(text)
    if package:
        return Answer("definite", (package.group("name"),))
    name = _entry_name(text)
    return Answer("definite", (name,)) if name else Answer("unparsed")


def _entry_name(part: str) -> str | None:
    """The qualified name in an entry's heading: the first line of its ``python`` block."""
    if not part.startswith("```python\n"):
        keyword = _KEYWORD.match(part)
        return keyword.group("name") if keyword else None
    for line in part.splitlines()[1:]:
        if line.startswith("```"):
            return None
        if line.startswith("@"):  # @classmethod / @staticmethod above the signature
            continue
        match = _QUALNAME.match(line)
        return match.group("name").rstrip(".") if match else None
    return None
