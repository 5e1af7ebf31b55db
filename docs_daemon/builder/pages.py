"""Extract every documented object of one Sphinx HTML page, parsing the page only once.

This module runs inside worker processes: its inputs and outputs are plain picklable records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docs_daemon.builder.markdown import html_to_markdown, node_text, prepare_page
from docs_daemon.builder.records import DocEntry
from docs_daemon.schema import Kind

#: Upper bound on the HTML taken for a module introduction or a language-reference section,
#: so a hover never carries a whole chapter (the ``match`` statement section is ~100 KiB).
SECTION_HTML_BUDGET = 24_000

#: Kinds whose Sphinx signature line carries no call signature worth keeping.
_NO_SIGNATURE = frozenset({Kind.DATA, Kind.MODULE, Kind.KEYWORD, Kind.SECTION})


@dataclass(frozen=True, slots=True)
class Target:
    """One object the inventory says lives on a page, with everything but its text."""

    qualname: str
    name: str
    kind: Kind
    parent: str | None
    anchor: str
    url: str
    priority: int


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page to extract: its bytes, its public URL and the objects it documents."""

    path: str
    html: bytes
    page_url: str
    targets: tuple[Target, ...]


@dataclass(slots=True)
class PageResult:
    """The entries found on a page, plus the targets whose anchor was missing."""

    path: str
    entries: list[DocEntry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def extract_page(job: PageJob) -> PageResult:
    """Parse ``job.html`` once and turn each target into a :class:`DocEntry`."""
    tree = LexborHTMLParser(job.html)
    prepare_page(tree, job.page_url)
    ids: dict[str, LexborNode] = {}
    for node in tree.css("[id]"):
        ids.setdefault(node.attributes.get("id") or "", node)
    result = PageResult(job.path)
    for target in job.targets:
        node = ids.get(target.anchor)
        if node is None:
            result.missing.append(target.qualname)
            result.entries.append(_entry(target, "", "", ""))
        elif node.tag == "dt":
            result.entries.append(_object_entry(target, node))
        else:
            result.entries.append(_section_entry(target, node))
    return result


def _entry(target: Target, signature: str, summary: str, body: str) -> DocEntry:
    return DocEntry(
        qualname=target.qualname,
        name=target.name,
        kind=target.kind,
        parent=target.parent,
        signature=signature,
        summary=summary,
        body=body,
        url=target.url,
        priority=target.priority,
    )


def _signature(dt: LexborNode, kind: Kind) -> str:
    """The text of a ``<dt>`` after the object's name: ``(obj, *, skipkeys=False, ...)``."""
    if kind in _NO_SIGNATURE:
        return ""
    name_node = dt.css_first(".sig-name")
    if name_node is None:
        return ""
    prename_node = dt.css_first(".sig-prename")
    full_name = (node_text(prename_node) if prename_node else "") + node_text(name_node)
    text = node_text(dt)
    position = text.find(full_name)
    if position < 0:
        return ""
    return text[position + len(full_name) :].strip()


def _object_entry(target: Target, dt: LexborNode) -> DocEntry:
    """An object documented by a ``<dl class="py ..."><dt id=...>...<dd>`` block."""
    signature = _signature(dt, target.kind)
    dl = dt.parent
    siblings = list(dl.iter()) if dl is not None else [dt]
    dd = next((n for n in siblings if n.tag == "dd"), None)
    other_signatures = [
        node_text(n) for n in siblings if n.tag == "dt" and n is not dt and n.mem_id != dt.mem_id
    ]
    if dd is None:
        return _entry(target, signature, "", "")
    fragment = dd.html or ""
    if dd.css_first("dl.py") is not None:
        # Nested members (methods of a class) are entries of their own: leave them out.
        copy = LexborHTMLParser(fragment)
        for nested in copy.css("dl.py"):
            nested.decompose()
        copy_root = copy.css_first("dd")
        fragment = copy_root.html if copy_root is not None else ""
        dd = copy_root or dd
    body = html_to_markdown(fragment or "")
    if other_signatures and target.kind not in _NO_SIGNATURE:
        fence = "\n".join(other_signatures)
        body = f"```python\n{fence}\n```\n\n{body}".strip()
    return _entry(target, signature, _summary(dd, body), body)


def _summary(container: LexborNode, body: str) -> str:
    """The first real paragraph (not a "Source code:" line) as Markdown."""
    for paragraph in container.css("p"):
        text = node_text(paragraph)
        if not text or text.startswith("Source code:"):
            continue
        if "admonition-title" in (paragraph.attributes.get("class") or ""):
            continue
        return html_to_markdown(paragraph.html or "")
    first_block = body.split("\n\n", 1)[0]
    return first_block[:500]


def _section_entry(target: Target, node: LexborNode) -> DocEntry:
    """A module introduction or a language-reference section (keywords).

    Module bodies stop at the first documented object or subsection; keyword bodies take the
    whole section. Both are bounded by :data:`SECTION_HTML_BUDGET`.
    """
    section, start_after = _enclosing_section(node)
    if section is None:
        return _entry(target, "", "", "")
    is_module = target.kind is Kind.MODULE
    parts: list[str] = []
    used = 0
    started = start_after is None
    for child in section.iter():
        if not started:
            started = child.mem_id == start_after
            continue
        tag = child.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") or (tag == "span" and not node_text(child)):
            continue
        if is_module and (tag == "section" or (tag == "dl" and _is_object_list(child))):
            break
        html = child.html or ""
        if parts and used + len(html) > SECTION_HTML_BUDGET:
            break
        parts.append(html)
        used += len(html)
    fragment = "<div>" + "".join(parts) + "</div>"
    body = html_to_markdown(fragment)
    return _entry(target, "", _summary(LexborHTMLParser(fragment).body or section, body), body)


def _is_object_list(node: LexborNode) -> bool:
    return "py" in (node.attributes.get("class") or "").split()


def _enclosing_section(node: LexborNode) -> tuple[LexborNode | None, int | None]:
    """The section a target names, and the child to start after (a span target) if any."""
    if node.tag == "section":
        return node, None
    current: LexborNode | None = node
    child_on_path = node
    while current is not None and current.tag != "section":
        child_on_path = current
        current = current.parent
    if current is None:
        return None, None
    # A ``<span id=...>`` target directly inside the section marks where its text begins.
    if child_on_path is node and node.tag == "span":
        return current, node.mem_id
    return current, None
