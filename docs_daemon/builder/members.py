"""Nested object blocks inside a description: entries of their own, named where the text
leads into them.

A class's ``<dd>`` (or a module's introduction) holds its members' ``<dl class="py ...">``
blocks; those become separate entries and leave the parent's text. A sentence that led into
them ("…support the following method in addition to the standard dict operations:") would
then dangle, so the blocks it introduced are replaced by a line naming and linking them.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docs_daemon.builder.markdown import node_text

#: ``dl`` classes of callables: Sphinx writes their references with ``()``.
_CALLABLE = frozenset({"function", "method", "classmethod", "staticmethod", "coroutinefunction"})


def is_object_list(node: LexborNode) -> bool:
    """A Sphinx Python object block (``<dl class="py function">`` and the like)."""
    return node.tag == "dl" and "py" in (node.attributes.get("class") or "").split()


def is_lead_in(node: LexborNode | None) -> bool:
    """A paragraph that ends by announcing what follows ("…defines the following methods:")."""
    return node is not None and node.tag == "p" and node_text(node).endswith(":")


def object_run(first: LexborNode) -> list[LexborNode]:
    """``first`` and the object blocks right after it (whitespace between them allowed)."""
    run = [first]
    sibling = first.next
    while sibling is not None and (sibling.tag == "-text" or is_object_list(sibling)):
        if sibling.tag == "dl":
            run.append(sibling)
        sibling = sibling.next
    return run


def member_line(blocks: Sequence[LexborNode], page_url: str) -> str:
    """HTML naming the objects of ``blocks`` as links, the way the docs refer to them."""
    names: list[str] = []
    for block in blocks:
        dt = block.css_first("dt[id]")
        name = dt.css_first(".sig-name") if dt is not None else None
        if dt is None or name is None:
            continue
        classes = set((block.attributes.get("class") or "").split())
        label = node_text(name) + ("()" if classes & _CALLABLE else "")
        href = f"{page_url}#{dt.attributes.get('id') or ''}"
        names.append(f'<a href="{escape(href)}"><code>{escape(label)}</code></a>')
    return f"<p>{', '.join(names)}</p>" if names else ""


def without_members(dd: LexborNode, page_url: str) -> str:
    """A ``<dd>``'s HTML without nested object blocks; where a lead-in announced them, a line
    naming them takes their place."""
    fragment = dd.html or ""
    if dd.css_first("dl.py") is None:
        return fragment
    copy = LexborHTMLParser(fragment)
    root = copy.css_first("dd")
    if root is None:
        return ""
    # Plan first, change after: decomposing a block frees the blocks nested in it.
    outermost = [n for n in root.css("dl.py") if not _nested_in_object(n, root)]
    runs: list[tuple[list[LexborNode], str]] = []
    planned: set[int] = set()
    for block in outermost:
        if block.mem_id in planned:
            continue
        run = object_run(block)
        planned.update(member.mem_id for member in run)
        lead_in = is_lead_in(_previous_element(block))
        runs.append((run, member_line(run, page_url) if lead_in else ""))
    for run, line in runs:
        replacement = LexborHTMLParser(line).css_first("p") if line else None
        if replacement is not None:
            run[0].insert_before(replacement)
        for member in run:
            member.decompose()
    return root.html or ""


def _nested_in_object(node: LexborNode, root: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != root.mem_id:
        if is_object_list(parent):
            return True
        parent = parent.parent
    return False


def _previous_element(node: LexborNode) -> LexborNode | None:
    sibling = node.prev
    while sibling is not None and sibling.tag == "-text":
        sibling = sibling.prev
    return sibling
