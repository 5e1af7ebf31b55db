"""Extract every documented object of one Sphinx HTML page, parsing the page only once.

This module runs inside worker processes: its inputs and outputs are plain picklable records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docs_daemon.builder.docstrings import first_paragraph
from docs_daemon.builder.markdown import html_to_markdown, node_text, prepare_page
from docs_daemon.builder.members import (
    is_lead_in,
    is_object_list,
    member_line,
    object_run,
    without_members,
)
from docs_daemon.builder.records import DocEntry
from docs_daemon.schema import Kind

#: Upper bound on the HTML taken for a module introduction or a language-reference section,
#: so a hover never carries a whole chapter (the ``match`` statement section is ~100 KiB).
SECTION_HTML_BUDGET = 24_000

#: Elements that end the free text following a group of undescribed objects.
_BLOCK_BOUNDARIES = frozenset({"dl", "section", "h1", "h2", "h3", "h4", "h5", "h6"})

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
    #: Objects whose HTML could not be turned into text, with the reason.
    failed: list[str] = field(default_factory=list)


def extract_page(job: PageJob) -> PageResult:
    """Parse ``job.html`` once and turn each target into a :class:`DocEntry`."""
    tree = LexborHTMLParser(job.html)
    prepare_page(tree, job.page_url)
    ids: dict[str, LexborNode] = {}
    for tagged in tree.css("[id]"):
        ids.setdefault(tagged.attributes.get("id") or "", tagged)
    result = PageResult(job.path)
    for target in job.targets:
        node = ids.get(target.anchor)
        if node is None:
            result.missing.append(target.qualname)
            result.entries.append(_entry(target, "", "", ""))
            continue
        try:
            if node.tag == "dt":
                result.entries.append(_object_entry(target, node))
            else:
                result.entries.append(_section_entry(target, node))
        except Exception as error:  # malformed HTML must cost one entry's text, not the build
            result.failed.append(f"{target.qualname}: {type(error).__name__}: {error}")
            result.entries.append(_entry(target, "", "", ""))
    return result


def _entry(target: Target, signature: str, summary: str, body: str) -> DocEntry:
    return DocEntry(
        qualname=target.qualname,
        name=target.name,
        kind=target.kind,
        parent=target.parent,
        signature=signature,
        # One line: completion lists and status bars show it as is; Markdown reads it the same.
        summary=" ".join(line.strip() for line in summary.splitlines() if line.strip()),
        body=body,
        url=target.url,
        priority=target.priority,
        # Sphinx's ``deprecated`` directive, as the converter renders its lead-in.
        deprecated="*Deprecated since version" in body,
    )


def _signature(dt: LexborNode, kind: Kind) -> str:
    """The text of a ``<dt>`` after the object's name: ``(obj, *, skipkeys=False, ...)``."""
    if kind in _NO_SIGNATURE:
        return ""
    name_node = dt.css_first(".sig-name")
    if name_node is None:
        return ""
    # Decorators have two prefixes: "@" and "unittest." before "skipIf".
    prename = "".join(node_text(n) for n in dt.css(".sig-prename"))
    full_name = prename + node_text(name_node)
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
    # Overloads (``range(stop)``, ``range(start, stop[, step])``) share one description.
    other_signatures = [node_text(n) for n in siblings if n.tag == "dt" and n.mem_id != dt.mem_id]
    if dd is None or not node_text(dd):
        return _undescribed_entry(target, signature, dl)
    fragment = without_members(dd, _page_url(target))
    own = LexborHTMLParser(fragment).body
    if own is None or not node_text(own):
        return _undescribed_entry(target, signature, dl)
    body = html_to_markdown(fragment)
    if other_signatures and target.kind not in _NO_SIGNATURE:
        fence = "\n".join(other_signatures)
        body = f"```python\n{fence}\n```\n\n{body}".strip()
    return _entry(target, signature, _summary(own, body), body)


def _undescribed_entry(target: Target, signature: str, dl: LexborNode | None) -> DocEntry:
    """An object whose own ``<dd>`` is empty: borrow the text the docs give it elsewhere.

    Sphinx sources document such objects by their neighbours: a row of a table (``decimal``'s
    limits), a shared description in the next block (``typing.get_args``/``get_origin``), or
    the paragraph introducing a group (``logging.Handler``, whose text is all in its members).
    """
    if dl is None:
        return _entry(target, signature, "", "")
    cell_table = _enclosing(dl, "table", stop="dd")
    if cell_table is not None:
        body = html_to_markdown(cell_table.html or "")
        lead = _previous_paragraph(cell_table)
        summary = html_to_markdown(lead.html or "") if lead is not None else body.split("\n")[0]
        return _entry(target, signature, summary, body)
    own_dd = next((n for n in dl.iter() if n.tag == "dd"), None)
    nested = own_dd.css("dl.py > dt[id] .sig-name") if own_dd is not None else []
    members = [f"`{node_text(n)}`" for n in nested]
    if members:
        # A class documented only through its members: the intro before it, then the members.
        lead = _previous_paragraph(dl)
        parts = [html_to_markdown(lead.html or "")] if lead is not None else []
        parts.append("Members: " + ", ".join(members))
        return _entry(target, signature, parts[0], "\n\n".join(parts))
    follow = _following_description(dl, _page_url(target))
    if follow:
        body = html_to_markdown(follow)
        own = LexborHTMLParser(follow).body
        return _entry(target, signature, _summary(own, body) if own else body, body)
    lead = _previous_paragraph(dl)
    text = html_to_markdown(lead.html or "") if lead is not None else ""
    return _entry(target, signature, text, text)


def _following_description(dl: LexborNode, page_url: str) -> str:
    """HTML describing a group of objects, found after them: a later ``<dd>`` or paragraphs."""
    sibling = dl.next
    while sibling is not None and (sibling.tag == "-text" or is_object_list(sibling)):
        if sibling.tag == "dl":
            shared = sibling.css_first("dd")
            if shared is not None and node_text(shared):
                return without_members(shared, page_url)
        sibling = sibling.next
    parts: list[str] = []
    used = 0
    while sibling is not None and sibling.tag not in _BLOCK_BOUNDARIES:
        if sibling.tag != "-text":
            html = sibling.html or ""
            if parts and used + len(html) > SECTION_HTML_BUDGET // 4:
                break
            parts.append(html)
            used += len(html)
        sibling = sibling.next
    return "<div>" + "".join(parts) + "</div>" if parts else ""


def _enclosing(node: LexborNode, tag: str, *, stop: str) -> LexborNode | None:
    current = node.parent
    while current is not None and current.tag not in (tag, stop, "section", "body"):
        current = current.parent
    return current if current is not None and current.tag == tag else None


def _previous_paragraph(node: LexborNode) -> LexborNode | None:
    """The paragraph just before ``node``, skipping other object blocks between them."""
    sibling = node.prev
    while sibling is not None and (sibling.tag == "-text" or is_object_list(sibling)):
        sibling = sibling.prev
    return sibling if sibling is not None and sibling.tag == "p" else None


def _summary(container: LexborNode, body: str) -> str:
    """The first real paragraph as Markdown: not a "Source code:" line or a version note.

    A version note ("New in version 3.10.") is used only when nothing else is there.
    """
    version_note: LexborNode | None = None
    for paragraph in container.css("p"):
        text = node_text(paragraph)
        if not text or text.startswith("Source code:"):
            continue
        if "admonition-title" in (paragraph.attributes.get("class") or ""):
            continue
        if paragraph.css_first(".versionmodified") is not None:
            version_note = version_note or paragraph
            continue
        return html_to_markdown(paragraph.html or "")
    if version_note is not None:
        return html_to_markdown(version_note.html or "")
    return first_paragraph(body)[:500]


def _section_entry(target: Target, node: LexborNode) -> DocEntry:
    """A module introduction or a language-reference section (keywords).

    Module bodies stop at the first documented object or subsection; keyword bodies take the
    whole section. Both are bounded by :data:`SECTION_HTML_BUDGET`.
    """
    section, start_after = _enclosing_section(node)
    if section is None:
        return _entry(target, "", "", "")
    is_module = target.kind is Kind.MODULE
    children = list(section.iter())
    start = next((i + 1 for i, c in enumerate(children) if c.mem_id == start_after), 0)
    page_url = _page_url(target)
    parts = _section_parts(children[start:], page_url, stop_at_objects=is_module)
    if not parts and start:
        # A target just before an object ("pstats" marks the Stats class): the text that
        # leads up to the target is the best introduction the page gives.
        parts = _section_parts(children[: start - 1], page_url, stop_at_objects=is_module)
    fragment = "<div>" + "".join(parts) + "</div>"
    body = html_to_markdown(fragment)
    summary = _summary(LexborHTMLParser(fragment).body or section, body)
    if not summary:
        # A section with nothing but its title ("distutils.command.clean — Clean a package").
        heading = section.css_first("h1, h2, h3, h4, h5, h6")
        title = node_text(heading) if heading is not None else ""
        summary = title.partition(" — ")[2] or title
        body = body or summary
    return _entry(target, "", summary, body)


def _section_parts(
    children: list[LexborNode], page_url: str, *, stop_at_objects: bool
) -> list[str]:
    """HTML of a section's blocks, headings skipped, bounded by :data:`SECTION_HTML_BUDGET`.

    Stopping at the first object block after a lead-in ("The module defines the following
    functions:"), a line naming the objects it announced ends the text.
    """
    parts: list[str] = []
    used = 0
    last: LexborNode | None = None
    for child in children:
        tag = child.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "-text") or (
            tag == "span" and not node_text(child)
        ):
            continue
        if stop_at_objects and tag == "section":
            break
        if stop_at_objects and is_object_list(child):
            if parts and is_lead_in(last):
                parts.append(member_line(object_run(child), page_url))
            break
        html = child.html or ""
        if parts and used + len(html) > SECTION_HTML_BUDGET:
            break
        parts.append(html)
        used += len(html)
        last = child
    return parts


def _page_url(target: Target) -> str:
    return target.url.partition("#")[0]


def _enclosing_section(node: LexborNode) -> tuple[LexborNode | None, int | None]:
    """The section a target names, and the child to start after (a span target) if any."""
    if node.tag == "section":
        return node, None
    section = node.parent
    while section is not None and section.tag != "section":
        section = section.parent
    if section is None:
        return None, None
    # A ``<span id=...>`` target directly inside the section marks where its text begins.
    parent = node.parent
    directly_inside = parent is not None and parent.mem_id == section.mem_id
    return section, node.mem_id if directly_inside and node.tag == "span" else None
