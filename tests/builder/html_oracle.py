"""The tests' own reading of Sphinx HTML and Markdown, to compare the builder's output against.

Deliberately simpler than the builder (text only, no conversion): it answers "what does the
page say" so a test can check that the database says it too.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKUP = re.compile(r"[\[\]*`\\>#|]")


def words(text: str) -> str:
    return " ".join(text.split())


def plain(markdown: str) -> str:
    """Markdown reduced to its words: link targets, emphasis, code ticks and escapes removed."""
    return words(_MARKUP.sub("", _LINK_TARGET.sub("", markdown)))


@cache
def _page(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_bytes())


def anchor_node(html_root: Path, url_path: str, anchor: str) -> LexborNode:
    node = _page(html_root / url_path).css_first(f'[id="{anchor}"]')
    assert node is not None, f"{url_path}#{anchor} not in the HTML"
    return node


def dt_text(node: LexborNode) -> str:
    """A signature line as a reader sees it (the ``¶`` permalink dropped)."""
    return words((node.text(deep=True) or "").replace("\u00b6", ""))


def first_sentence(node: LexborNode) -> str:
    """Up to the first 12 words of the first non-empty paragraph of a ``<dt>``'s ``<dd>``."""
    dl = node.parent
    assert dl is not None
    dd = next(child for child in dl.iter() if child.tag == "dd")
    for paragraph in dd.css("p"):
        text = words(paragraph.text(deep=True) or "")
        if text and "Changed in version" not in text and "New in version" not in text:
            return " ".join(text.split()[:12])
    return ""
