"""Docstrings to Markdown: doctest examples and literal blocks fenced, prose left as written.

Docstrings follow no single markup (reST, Google, NumPy, plain); guessing more than the code
blocks would garble more docstrings than it would improve.
"""

from __future__ import annotations

import re
import textwrap

#: reST cross-reference roles (``:class:`~pkg.Name```) read better as plain code spans.
_ROLE = re.compile(r":(?:[a-z]+:)?[a-z]+:`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`")


def _fence(language: str, lines: list[str]) -> str:
    code = textwrap.dedent("\n".join(lines)).strip("\n")
    return f"```{language}\n{code}\n```"


def docstring_to_markdown(doc: str) -> str:
    """Fence ``>>>`` examples as ``pycon`` and indented literal blocks as ``text``."""
    blocks: list[str] = []
    prose: list[str] = []
    lines = doc.expandtabs().splitlines()
    index = 0

    def flush_prose() -> None:
        if prose:
            text = _ROLE.sub(r"`\1`", "\n".join(prose).strip("\n"))
            blocks.append(re.sub(r"(?<=\S)::$", ":", text, flags=re.MULTILINE))
            prose.clear()

    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            flush_prose()
            example: list[str] = []
            while index < len(lines) and lines[index].strip():
                example.append(lines[index])
                index += 1
            blocks.append(_fence("pycon", example))
            continue
        indent = len(line) - len(stripped)
        previous = prose[-1] if prose else ""
        if stripped and indent >= 4 and not previous.strip():
            # An indented block after a blank line: a literal block (reST ``::``) or a
            # continuation that Markdown would render as code anyway; fence it explicitly.
            flush_prose()
            literal: list[str] = []
            while index < len(lines) and (
                not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) >= 4
            ):
                literal.append(lines[index])
                index += 1
            blocks.append(_fence("text", literal))
            continue
        prose.append(line)
        index += 1
    flush_prose()
    return "\n\n".join(block for block in blocks if block.strip())


def first_paragraph(markdown: str) -> str:
    """The summary: the first run of prose lines outside fenced code blocks."""
    paragraph: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            if paragraph:
                break
            continue
        if in_fence:
            continue
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return " ".join(paragraph)
