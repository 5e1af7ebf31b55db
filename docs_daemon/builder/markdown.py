"""Sphinx HTML fragments to Markdown that reads well in an editor hover.

Parsing and clean-up happen once per page on the selectolax tree (:func:`prepare_page`);
the conversion itself is markdownify with a few Sphinx-aware element rules.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from markdownify import MarkdownConverter
from selectolax.lexbor import LexborHTMLParser, LexborNode

#: Sphinx ``highlight-<lexer>`` classes to the fence language editors understand.
_LEXER_LANGUAGES = {
    "python3": "python",
    "python": "python",
    "default": "python",
    "ipython": "python",
    "ipython3": "python",
    "pycon": "pycon",
    "pytb": "pytb",
    "none": "text",
    "text": "text",
    "shell": "sh",
    "sh": "sh",
    "bash": "sh",
    "console": "console",
}

_BLANK_LINES = re.compile(r"\n{3,}")
#: Code (fenced blocks, inline spans) where markdownify's escapes never apply.
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
#: An escaped underscore inside a word (``dir\_fd``): CommonMark never reads it as emphasis.
_INTRAWORD_ESCAPE = re.compile(r"(?<=[A-Za-z0-9])\\_(?=[A-Za-z0-9])")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")


def prepare_page(tree: LexborHTMLParser, page_url: str) -> None:
    """Clean a parsed page in place so every fragment converts well.

    Removes permalink anchors (the ``¶`` signs) and images, makes links absolute against
    ``page_url`` and tags each code block with its language for the fence.
    """
    for node in tree.css("a.headerlink, img, script, style"):
        node.decompose()
    # viewcode's "[source]" links (to highlighted module source) would end up in signatures.
    for node in tree.css("span.viewcode-link, span.viewcode-back"):
        link = node.parent
        (link if link is not None and link.tag == "a" else node).decompose()
    for link in tree.css("a[href]"):
        href = link.attributes.get("href") or ""
        link.attrs["href"] = urljoin(page_url, href)
        if "title" in link.attrs:
            del link.attrs["title"]  # Sphinx repeats the target's name: noise in a hover
    for block in tree.css("div[class*='highlight-']"):
        classes = (block.attributes.get("class") or "").split()
        lexer = next((c[len("highlight-") :] for c in classes if c.startswith("highlight-")), "")
        for pre in block.css("pre"):
            pre.attrs["data-lang"] = _LEXER_LANGUAGES.get(lexer, lexer)
    sanitise_links(tree, page_url)


#: Link schemes that survive into the Markdown; everything else (``command:``, ``file:``,
#: ``javascript:``, ``data:``, ``vscode:`` ...) is dropped, keeping the link's text.
_SAFE_SCHEMES = frozenset({"http", "https"})
#: Characters a Markdown link destination may carry unencoded: no spaces, parentheses or
#: angle brackets, which could end the destination early and start a link of the page's own.
_SAFE_URL_CHARACTERS = "/:?#[]@!$&'*+,;=%~-._"
#: Text that Markdown would read as a link, an image, a reference definition or raw HTML.
_MARKUP_IN_TEXT = re.compile(r"[\[\]<]")
_BACKTICK_RUNS = re.compile(r"`+")


def sanitise_links(tree: LexborHTMLParser, page_url: str) -> None:
    """Keep only http(s) links and in-page anchors, as URLs that cannot break out of the
    link syntax: documentation may come from the network and is untrusted text. A build from
    local files without a public URL also keeps its ``file:`` links between its own pages."""
    allow_file = page_url.startswith("file:")
    for link in tree.css("a[href]"):
        href = safe_url(link.attributes.get("href") or "", allow_file=allow_file)
        if href is None:
            del link.attrs["href"]
        else:
            link.attrs["href"] = href


def safe_url(href: str, *, allow_file: bool = False) -> str | None:
    """``href`` encoded so it cannot end a Markdown link early, or ``None`` when it is neither
    http(s) (``file`` too when allowed) nor an in-page anchor."""
    href = href.strip()
    allowed = _SAFE_SCHEMES | {"file"} if allow_file else _SAFE_SCHEMES
    if not href.startswith("#") and urlsplit(href).scheme.lower() not in allowed:
        return None
    return quote(href, safe=_SAFE_URL_CHARACTERS)


def fence_outlasting(block: str, code: str) -> str:
    """A fenced block whose fences are longer than any backtick run in ``code``, so a page's
    own ````` ``` ````` cannot close the block early and turn the rest into Markdown."""
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(code)), default=0)
    if longest < 3:
        return block
    fence = "`" * (longest + 1)
    opened = block.replace("```", fence, 1)
    head, _, tail = opened.rpartition("```")
    return head + fence + tail


def escape_markup(text: str) -> str:
    """Escape what would turn a page's plain text into Markdown links or raw HTML."""
    return _MARKUP_IN_TEXT.sub(lambda match: "\\" + match.group(), text)


def _classes(el: Any) -> list[str]:
    value = el.get("class") or []
    return value.split() if isinstance(value, str) else list(value)


def _fence_language(el: Any) -> str:
    language = str(el.get("data-lang") or "")
    if language in ("", "python") and el.get_text().lstrip().startswith(">>>"):
        return "pycon"
    # Grammar rules (productionlist) and other unhighlighted blocks are plain text.
    return language or "text"


class _UntrustedTextConverter(MarkdownConverter):
    """markdownify for untrusted pages: their text makes no Markdown links or raw HTML of its
    own, and their code cannot end its block early. (Both base methods are missing from
    markdownify's type stubs.)"""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        base: Any = super()
        return escape_markup(str(base.escape(text, parent_tags)))

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        base: Any = super()
        return fence_outlasting(str(base.convert_pre(el, text, parent_tags)), text)


def _is_em_piece(node: Any) -> bool:
    """An ``<em>``, or a link holding only one: pieces of a type Sphinx writes one token each."""
    name = getattr(node, "name", None)  # None for text between tags
    if name == "em":
        return True
    if name != "a":
        return False
    children = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
    return len(children) == 1 and _is_em_piece(children[0])


def _em_run(el: Any) -> tuple[Any, Any, Any]:
    """The piece ``el`` belongs to and the first and last pieces of its run of adjacent ones.

    Sphinx writes ``Optional[Union[str, PathLike]]`` in a parameter list as one ``<em>`` per
    token (``<em>Optional</em><em>[</em>…``), some inside links; a run is one type.
    """
    piece = el.parent if el.parent is not None and el.parent.name == "a" else el
    if not _is_em_piece(piece):
        piece = el
    first = last = piece
    while _is_em_piece(first.previous_sibling):
        first = first.previous_sibling
    while _is_em_piece(last.next_sibling):
        last = last.next_sibling
    return piece, first, last


class _SphinxConverter(_UntrustedTextConverter):
    """markdownify with rules for Sphinx's admonitions, version notes, definition lists and
    types written one ``<em>`` per token."""

    def convert_em(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:  # inside code: the text as it is
            return text
        piece, first, last = _em_run(el)
        if first is last:
            base: Any = super()  # markdownify's own rule (missing from its type stubs)
            return str(base.convert_em(el, text, parent_tags))
        # One emphasis around the whole run, when both ends are plain <em> (a marker inside a
        # link's text would break it); the pieces in between keep their text and links.
        emphasised = first.name == "em" and last.name == "em"
        opening = "*" if emphasised and piece is first else ""
        closing = "*" if emphasised and piece is last else ""
        return f"{opening}{text}{closing}"

    def convert_div(self, el: Any, text: str, parent_tags: set[str]) -> str:
        classes = _classes(el)
        if "admonition" in classes:
            # The title paragraph already converted to "Note" etc.; make it bold and quote all.
            body = text.strip()
            title = el.find("p", class_="admonition-title")
            if title is not None:
                heading = title.get_text().strip()
                if body.startswith(heading):
                    body = f"**{heading}:** " + body[len(heading) :].lstrip()
            quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
            return f"\n\n{quoted}\n\n"
        # markdownify's own block rule (not in its type stubs, so restated here).
        if "_inline" in parent_tags:
            return f" {text.strip()} "
        return f"\n\n{text.strip()}\n\n" if text.strip() else ""

    def convert_span(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "versionmodified" in _classes(el) and text.strip():
            return f"*{text.strip()}* "
        return text

    def convert_dt(self, el: Any, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if not text or "_inline" in parent_tags:
            return f" {text} "
        return f"\n\n**{text}**\n\n"

    def convert_dd(self, el: Any, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if "_inline" in parent_tags:
            return f" {text} "
        return f"{text}\n\n" if text else "\n"


_CONVERTER = _SphinxConverter(
    heading_style="ATX",
    bullets="-",
    code_language_callback=_fence_language,
    escape_misc=False,
)


def html_to_markdown(html: str) -> str:
    """Convert one cleaned fragment (see :func:`prepare_page`) to tidy Markdown."""
    text = str(_CONVERTER.convert(html))
    text = text.replace("\u00b6", "")
    text = _unescape_intraword(text)
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _unescape_intraword(text: str) -> str:
    """``dir\\_fd`` → ``dir_fd`` outside code: the escape only hurts plain-text readers."""
    pieces: list[str] = []
    position = 0
    for code in _CODE.finditer(text):
        pieces.append(_INTRAWORD_ESCAPE.sub("_", text[position : code.start()]))
        pieces.append(code.group())
        position = code.end()
    pieces.append(_INTRAWORD_ESCAPE.sub("_", text[position:]))
    return "".join(pieces)


def node_text(node: LexborNode) -> str:
    """Visible text of a node with whitespace collapsed (signatures, titles)."""
    return " ".join((node.text(deep=True) or "").split())
