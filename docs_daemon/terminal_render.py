"""How entries, search results and database facts read at a terminal, rendered by rich.

On a terminal: colour, styles and clickable links. In a pipe, a file or on a dumb terminal:
plain text with no escape codes and no trailing blanks, so ``| grep`` and ``| head`` see the
words the docs wrote. Everything is rendered into a string first and written by
:func:`write_out`, the one place that knows about a reader closing the pipe early.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import ClassVar, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markdown import CodeBlock, Markdown, MarkdownElement
from rich.table import Table
from rich.text import Text

from docs_daemon.store import DatabaseInfo, Entry, EntryBrief

#: Prose is easier to read in lines no longer than this, however wide the terminal.
MAX_WIDTH = 100


class _PlainCodeBlock(CodeBlock):
    """A code block as plain text indented by four spaces, long lines kept whole: the blank
    padding lines rich draws for a coloured background only add empty lines to a pipe."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = str(self.text).rstrip().splitlines()
        yield Text("\n".join(f"    {line}" for line in lines), no_wrap=True, overflow="ignore")


class _PlainMarkdown(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "fence": _PlainCodeBlock,
        "code_block": _PlainCodeBlock,
    }


def make_console(file: TextIO | None = None) -> Console:
    """A console on ``file`` (stdout) that follows rich's detection: colour on a terminal,
    none in a pipe, ``NO_COLOR`` (styles without colour), ``TERM=dumb`` (plain)."""
    width = max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))
    return Console(file=file or sys.stdout, width=width, highlight=False, emoji=False)


def is_plain(console: Console) -> bool:
    """No styles at all: not a terminal, or one that understands no escape codes."""
    return console.color_system is None


def render(console: Console, renderables: Iterable[RenderableType]) -> str:
    """The text ``console`` would print, trailing blanks removed when it is plain."""
    plain = is_plain(console)
    with console.capture() as capture:
        for renderable in renderables:
            console.print(renderable, crop=not plain)
    text = capture.get()
    if plain:
        text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    return text


class ReaderGoneError(Exception):
    """The reader of stdout went away: nothing failed, stop writing."""


def write_out(text: str, stream: TextIO | None = None) -> None:
    """Write and flush; a reader that closed the pipe early (``| head``) ends it quietly.

    The recipe of the Python documentation's note on SIGPIPE: once the pipe is gone, point
    stdout at ``/dev/null`` so the interpreter's last flush cannot fail, then stop writing.
    """
    target = stream or sys.stdout
    try:
        target.write(text)
        target.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, target.fileno())
        os.close(devnull)
        raise ReaderGoneError from None


def markdown(console: Console, text: str) -> Markdown:
    """Docs Markdown for ``console``; links show their text (clickable on a terminal)."""
    kind = _PlainMarkdown if is_plain(console) else Markdown
    return kind(text, hyperlinks=True, code_theme="ansi_dark")


def entry_page(console: Console, entry: Entry, docset_label: str) -> list[RenderableType]:
    """An entry as a terminal page: the name with its signature, where it comes from, the
    docs text and the link."""
    heading = Text()
    heading.append(entry.qualname, style="bold")
    heading.append(entry.signature)
    heading.append(f"  {entry.kind.value} · {docset_label}", style="dim")
    page: list[RenderableType] = [heading, ""]
    body = (entry.body or entry.summary).strip()
    if body:
        page.extend([markdown(console, body), ""])
    if entry.url:
        page.append(Text(entry.url, style=f"link {entry.url}"))
    return page


def summary_text(console: Console, summary: str) -> str:
    """A summary's Markdown as one line of plain words (for tables and result lists)."""
    plain = Console(width=10_000, color_system=None, highlight=False, emoji=False)
    return " ".join(render(plain, [_PlainMarkdown(summary)]).split()) if summary else ""


def result_lines(console: Console, entries: Sequence[EntryBrief]) -> Text:
    """Search results, one a line: name, kind and as much of the summary as fits."""
    name_width = min(max((len(entry.qualname) for entry in entries), default=0), 48)
    lines = Text()
    for entry in entries:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(entry.qualname.ljust(name_width), style="bold")
        line.append(f"  {entry.kind.value:<9}", style="dim")
        summary = summary_text(console, entry.summary)
        if summary:
            line.append(f"  {summary}")
        line.truncate(console.width, overflow="ellipsis")
        lines.append_text(line)
        lines.append("\n")
    lines.rstrip()
    return lines


def database_tables(databases: Sequence[DatabaseInfo]) -> list[RenderableType]:
    """``info``: each database's facts, then a table of its docsets."""
    parts: list[RenderableType] = []
    for database in databases:
        if parts:
            parts.append("")
        parts.append(Text(str(database.path), style="bold"))
        built_by = f" by {database.builder_version}" if database.builder_version else ""
        parts.append(
            f"{_size(database.size_bytes)} served from {database.mode}, loaded in "
            f"{database.load_seconds * 1e3:.0f} ms; schema {database.schema_version}, "
            f"built {database.built_at or 'unknown'}{built_by}"
        )
        table = Table(pad_edge=False, box=None, header_style="bold")
        table.add_column("docset")
        table.add_column("version")
        table.add_column("entries", justify="right")
        table.add_column("source", overflow="fold")
        table.add_column("links to", overflow="fold")
        for docset in database.docsets:
            table.add_row(
                docset.name,
                docset.version,
                f"{docset.entry_count:,}",
                docset.source,
                docset.base_url,
            )
        parts.append(table)
    return parts


def _size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size / 1024:.0f} KiB"
