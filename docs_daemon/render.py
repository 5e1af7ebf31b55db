"""How a documentation entry reads in an editor: hover, completion docs, pages (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

from docs_daemon.store.models import Entry, EntryBrief
from docs_daemon.vocabulary import Kind

_CALLABLE_PREFIX = {Kind.CLASS: "class ", Kind.EXCEPTION: "exception "}
_CONTINUED = "*… continued in the [online docs]({url})*"
_CONTINUED_IN_SOURCE = "*… continued in the [source]({url})*"


def signature_line(entry: EntryBrief) -> str:
    """The code line heading a hover: ``json.dumps(obj, *, ...)``, ``class pathlib.Path(...)``."""
    if entry.kind == Kind.MODULE:
        return f"module {entry.qualname}"
    prefix = _CALLABLE_PREFIX.get(entry.kind, "")
    if entry.kind in (Kind.CLASSMETHOD, Kind.STATICMETHOD):
        prefix = f"@{entry.kind.value}\n"
    return f"{prefix}{entry.qualname}{entry.signature}"


def _heading(entry: EntryBrief) -> str:
    if entry.kind == Kind.KEYWORD:
        return f"**`{entry.qualname}`** — keyword ({entry.docset})"
    return f"```python\n{signature_line(entry)}\n```"


def truncate_markdown(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` characters at a paragraph boundary.

    Never splits inside a fenced code block (a half fence would swallow the rest of the hover);
    returns the text and whether anything was cut.
    """
    if len(text) <= limit:
        return text, False
    kept: list[str] = []
    size = 0
    for block in _blocks(text):
        if size + len(block) > limit:
            break
        kept.append(block)
        size += len(block) + 2
    if not kept:  # the first block alone is too long: cut it by lines, outside any fence
        lines: list[str] = []
        size = 0
        for line in text.splitlines():
            if size + len(line) > limit:
                break
            lines.append(line)
            size += len(line) + 1
        if sum(line.startswith("```") for line in lines) % 2:
            lines.append("```")
        kept = ["\n".join(lines)]
    return "\n\n".join(kept).rstrip(), True


def _blocks(text: str) -> list[str]:
    """Split Markdown into paragraphs, keeping each fenced code block whole."""
    blocks: list[str] = []
    current: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _from_docstrings(entry: EntryBrief) -> bool:
    return entry.origin == "docstrings"


def _text(entry: Entry, limit: int) -> str:
    body = entry.body.strip() or entry.summary.strip()
    text, cut = truncate_markdown(body, limit)
    if cut and entry.url:
        continued = _CONTINUED_IN_SOURCE if _from_docstrings(entry) else _CONTINUED
        text += "\n\n" + continued.format(url=entry.url)
    return text


def _link(entry: EntryBrief) -> str:
    if not entry.url:
        return ""
    if _from_docstrings(entry):
        return f"[{entry.qualname} — source of the installed {entry.docset}]({entry.url})"
    return f"[{entry.qualname} — {entry.docset} docs]({entry.url})"


def provenance_note(
    entry: EntryBrief, docset_version: str, user_python: tuple[int, int] | None
) -> str:
    """Where the text comes from, when it is not simply the official docs of what runs:
    an installed package's docstrings, or another Python version's docs."""
    if _from_docstrings(entry):
        version = f" {docset_version}" if docset_version else ""
        return (
            f"*From the docstrings of the installed {entry.docset}{version}: "
            "its official docs are not downloaded.*"
        )
    if entry.docset == "python" and user_python is not None and docset_version:
        running = f"{user_python[0]}.{user_python[1]}"
        if docset_version != running:
            return f"*Python {docset_version} docs; your environment runs Python {running}.*"
    return ""


def hover_markdown(entry: Entry, limit: int, note: str = "") -> str:
    """The whole hover: signature, where the text comes from (when that needs saying), the
    docs text up to ``limit`` characters, a link."""
    parts = [_heading(entry), note, _text(entry, limit), _link(entry)]
    return "\n\n".join(part for part in parts if part)


def candidates_markdown(expression: str, entries: Sequence[Entry], limit: int) -> str:
    """A hover for a member on an unknown receiver: a few candidates, each clearly labelled."""
    share = max(200, limit // max(1, len(entries)))
    parts = [f"**`{expression}`** — receiver unknown; documented candidates:"]
    for entry in entries:
        summary, _ = truncate_markdown(entry.summary.strip(), share)
        parts.append("\n\n".join(p for p in (_heading(entry), summary, _link(entry)) if p))
    return "\n\n---\n\n".join(parts)


def completion_markdown(entry: Entry, limit: int) -> str:
    """Documentation shown beside a completion item (the signature is already its detail)."""
    return "\n\n".join(part for part in (_text(entry, limit), _link(entry)) if part)


def package_markdown(package: str, modules: Sequence[EntryBrief]) -> str:
    """A package with no page of its own, described by its documented modules."""
    lines = [f"**{package}** — package; documented modules:", ""]
    lines += [f"- [`{m.qualname}`]({m.url}) — {_first_sentence(m.summary)}" for m in modules]
    return "\n".join(lines)


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def page_markdown(entry: Entry) -> str:
    """A whole entry as a standalone Markdown page, opened from workspace symbols."""
    title = f"# {entry.qualname}"
    origin = "docstrings" if _from_docstrings(entry) else "docs"
    meta = f"*{entry.kind.value}* in **{entry.parent or entry.docset}** · {entry.docset} {origin}"
    where = "Source" if _from_docstrings(entry) else "Online"
    online = f"{where}: <{entry.url}>" if entry.url else ""
    body = entry.body.strip() or entry.summary.strip()
    heading = _heading(entry) if entry.kind != Kind.KEYWORD else ""
    return "\n\n".join(p for p in (title, meta, heading, body, online) if p) + "\n"


def short_signature(entry: EntryBrief, limit: int = 80) -> str:
    """A one-line signature for completion details and symbol lists."""
    signature = " ".join(entry.signature.split())
    if len(signature) > limit:
        signature = signature[: limit - 1] + "…"
    return f"{entry.name}{signature}" if signature else entry.kind.value
