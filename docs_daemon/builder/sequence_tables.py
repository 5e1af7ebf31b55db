"""Methods of ``list``, ``tuple``, ``range`` and ``bytearray`` that exist only as table rows.

The Python docs describe ``s.append(x)``, ``s.index(x[, i[, j]])`` and their kin once, in the
tables of *Common Sequence Operations* and *Mutable Sequence Types* on
``library/stdtypes.html``, instead of as ``py:`` objects; ``objects.inv`` therefore has no
``list.append``. Each method-call row of those tables becomes one entry per sequence type the
table applies to, with the row's result text, the row's numbered notes and a link to the
table. Docsets without that page and those anchors get nothing from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from docs_daemon.builder.markdown import html_to_markdown, node_text, prepare_page
from docs_daemon.builder.records import DocEntry
from docs_daemon.builder.sources import DocFiles
from docs_daemon.schema import Kind

#: The page of the Python docs holding the sequence tables, relative to ``objects.inv``.
STDTYPES_PAGE = "library/stdtypes.html"

#: Ranked just below objects the inventory documents (Sphinx's normal priority maps to 0).
TABLE_PRIORITY = -1

#: ``s.pop(i)``: a receiver, a method name and the arguments as written.
_METHOD_CALL = re.compile(r"^[A-Za-z_]\w*\.([A-Za-z_]\w*)\((.*)\)$")
#: Note references in a row's last cell: ``(2)(7)``.
_NOTE_REFERENCE = re.compile(r"\((\d+)\)")


@dataclass(frozen=True, slots=True)
class SequenceTable:
    """A table section of ``stdtypes.html`` and the built-in types its operations apply to."""

    anchor: str
    types: tuple[str, ...]


#: ``str``, ``bytes`` and ``bytearray`` document ``index``/``count`` as their own objects,
#: so the common table adds only what the remaining sequence types lack.
SEQUENCE_TABLES = (
    SequenceTable("typesseq-common", ("list", "tuple", "range")),
    SequenceTable("typesseq-mutable", ("list", "bytearray")),
)


@dataclass(frozen=True, slots=True)
class _Row:
    """One method-call row of a table, converted to Markdown."""

    name: str
    signature: str
    operation: str
    result: str
    notes: tuple[str, ...]


def sequence_table_entries(
    files: DocFiles, prefix: str, base_url: str, existing: Mapping[str, DocEntry]
) -> list[DocEntry]:
    """Method entries from the sequence tables that ``existing`` lacks (see module docstring).

    ``prefix`` is the directory of ``objects.inv`` inside ``files``; a type gets entries only
    if ``existing`` has it, and a name ``existing`` already has is never replaced.
    """
    html = files.read(prefix + STDTYPES_PAGE)
    if html is None:
        return []
    page_url = urljoin(base_url, STDTYPES_PAGE) if base_url else STDTYPES_PAGE
    tree = LexborHTMLParser(html)
    prepare_page(tree, page_url)
    entries: list[DocEntry] = []
    taken = set(existing)
    for table in SEQUENCE_TABLES:
        section = _section(tree, table.anchor)
        if section is None:
            continue
        url = f"{page_url}#{table.anchor}"
        title = _title(section)
        for row in _method_rows(section):
            for type_name in table.types:
                qualname = f"{type_name}.{row.name}"
                if type_name not in existing or qualname in taken:
                    continue
                taken.add(qualname)
                entries.append(_entry(type_name, row, url, title))
    return entries


def _section(tree: LexborHTMLParser, anchor: str) -> LexborNode | None:
    """The ``<section>`` an anchor names: Sphinx puts label targets as spans inside it."""
    node = tree.css_first(f'[id="{anchor}"]')
    while node is not None and node.tag != "section":
        node = node.parent
    return node


def _title(section: LexborNode) -> str:
    """The section's own heading: the first one inside it, before any subsection's."""
    heading = section.css_first("h1, h2, h3, h4, h5, h6")
    return node_text(heading) if heading is not None else "sequence operations"


def _children(node: LexborNode) -> Iterator[LexborNode]:
    """Element children only, in document order."""
    return node.iter(include_text=False)


def _method_rows(section: LexborNode) -> Iterator[_Row]:
    """Method-call rows of the section's own table, with the notes listed after it."""
    children = list(_children(section))
    table_index = next((i for i, child in enumerate(children) if child.tag == "table"), None)
    if table_index is None:
        return
    notes = _numbered_notes(children[table_index + 1 :])
    for tr in children[table_index].css("tbody > tr"):
        cells = [cell for cell in _children(tr) if cell.tag == "td"]
        if len(cells) < 2:
            continue
        calls = [_METHOD_CALL.match(node_text(code)) for code in cells[0].css("code")]
        forms = [match for match in calls if match is not None]
        if not forms or len({match.group(1) for match in forms}) != 1:
            continue
        references = _NOTE_REFERENCE.findall(node_text(cells[2])) if len(cells) > 2 else []
        yield _Row(
            name=forms[0].group(1),
            signature=_signature([match.group(2) for match in forms]),
            operation=_one_line(html_to_markdown(_inner_html(cells[0]))),
            result=_one_line(html_to_markdown(_inner_html(cells[1]))),
            notes=tuple(
                f"**({number})** {notes[int(number)]}"
                for number in references
                if int(number) in notes
            ),
        )


def _signature(arguments: list[str]) -> str:
    """``s.pop()`` or ``s.pop(i)`` read as ``([i])``; a single form is kept as written."""
    distinct = list(dict.fromkeys(arguments))
    if len(distinct) == 2 and "" in distinct:
        optional = next(argument for argument in distinct if argument)
        return f"([{optional}])"
    return f"({distinct[0]})"


def _numbered_notes(following: list[LexborNode]) -> dict[int, str]:
    """The first ordered list after the table ("Notes:"), by its displayed numbers."""
    for node in following:
        if node.tag in ("table", "section"):
            return {}
        if node.tag == "ol":
            start = int(node.attributes.get("start") or 1)
            items = [child for child in _children(node) if child.tag == "li"]
            return {
                start + offset: html_to_markdown(_inner_html(item))
                for offset, item in enumerate(items)
            }
    return {}


def _inner_html(node: LexborNode) -> str:
    return node.inner_html or ""


def _one_line(markdown: str) -> str:
    return " ".join(markdown.split())


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _entry(type_name: str, row: _Row, url: str, title: str) -> DocEntry:
    summary = _sentence(row.result)
    source = f"*From the table of sequence operations in [{title}]({url}): {row.operation}.*"
    body = "\n\n".join([summary, *row.notes, source])
    return DocEntry(
        qualname=f"{type_name}.{row.name}",
        name=row.name,
        kind=Kind.METHOD,
        parent=type_name,
        signature=row.signature,
        summary=summary,
        body=body,
        url=url,
        priority=TABLE_PRIORITY,
    )
