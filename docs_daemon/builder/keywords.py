"""Python keywords and statements as entries, from the Language Reference sections.

The HTML sections (found through the docs' ``std:label`` targets) are preferred; the
interpreter's own ``pydoc_data.topics`` (plain text) fills in for Python docs that lack one.
"""

from __future__ import annotations

import dataclasses
import keyword

from docs_daemon.builder.inventory import InventoryItem

#: Keyword → the ``std:label`` whose section documents it. Most labels are the keyword itself.
_LABEL_OVERRIDES = {
    "case": "match",
    "_": "wildcard-patterns",
}

#: Keyword → (a label on the same page, the HTML anchor): sections with an id but no label.
_ANCHOR_OVERRIDES = {
    "async for": ("async", "async-for"),
    "async with": ("async", "async-with"),
}

#: Keyword → ``pydoc_data.topics`` key, used only when the HTML has no such section.
_TOPIC_OVERRIDES = {
    "elif": "if",
    "except": "try",
    "finally": "try",
    "as": "with",
    "from": "import",
    "not": "booleans",
    "and": "booleans",
    "or": "booleans",
    "is": "comparisons",
    "in": "comparisons",
    "async for": "async",
    "async with": "async",
    "match": "compound",
    "case": "compound",
}

#: The constants have their own ``py:data`` entries; a keyword entry would duplicate them.
_CONSTANTS = frozenset({"None", "True", "False"})


def python_keywords() -> list[str]:
    """Every keyword and soft keyword of this interpreter, plus the two-word async statements."""
    words = [w for w in (*keyword.kwlist, *keyword.softkwlist) if w not in _CONSTANTS]
    return [*words, "async for", "async with"]


def keyword_label(word: str, labels: dict[str, InventoryItem]) -> InventoryItem | None:
    """The ``std:label`` documenting ``word``, if the docs have it."""
    if word in _ANCHOR_OVERRIDES:
        neighbour, anchor = _ANCHOR_OVERRIDES[word]
        item = labels.get(neighbour)
        return None if item is None else dataclasses.replace(item, name=word, anchor=anchor)
    return labels.get(_LABEL_OVERRIDES.get(word, word))


def topic_text(word: str) -> str | None:
    """The plain-text Language Reference topic for ``word`` from ``pydoc_data``, if any."""
    try:
        from pydoc_data.topics import topics
    except ImportError:  # some distributions strip pydoc_data
        return None
    text = topics.get(_TOPIC_OVERRIDES.get(word, word))
    return text.strip() if text else None
