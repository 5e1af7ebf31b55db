"""Fetched documentation is untrusted: a lying inventory, escaping page paths and hostile page
text must not reach outside the docs root, nor put a link other than http(s) into a hover."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from docs_daemon.builder.markdown import html_to_markdown, prepare_page
from docs_daemon.library import Library, add_distribution
from docs_daemon.library.site import safe_page
from tests.library.conftest import Sites
from tests.library.hostile_site import HOSTILE_BODY, distribution, write_hostile_site

#: The renderer VS Code's hovers use is markdown-it (with raw HTML off); this is its Python twin.
MARKDOWN = MarkdownIt("commonmark")


def links_and_html(markdown: str) -> tuple[list[str], list[str]]:
    """Every link/image target and every raw HTML token a CommonMark renderer would see."""
    targets: list[str] = []
    html: list[str] = []

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            if token.type in ("link_open", "image"):
                targets.append(str(token.attrGet("href") or token.attrGet("src")))
            if token.type in ("html_inline", "html_block"):
                html.append(token.content)
            if token.children:
                walk(token.children)

    walk(MARKDOWN.parse(markdown))
    return targets, html


@pytest.mark.parametrize(
    ("page", "safe"),
    [
        ("api.html", "api.html"),
        ("ref/models/", "ref/models"),
        ("", "."),
        ("../outside.html", None),
        ("%2e%2e/outside.html", None),
        ("%2E%2E/%2e%2E/etc/passwd", None),
        ("%252e%252e/outside.html", None),
        ("a/../../outside.html", None),
        ("/abs.html", None),
        ("%2fabs.html", None),
        ("https://evil.example/x.html", None),
        ("//evil.example/x.html", None),
        ("javascript:alert(1)", None),
        ("..\\outside.html", None),
        ("a%5c..%5coutside.html", None),
        ("page.html?x=1", None),
        ("nul\x00.html", None),
    ],
)
def test_page_paths_stay_under_the_root(page: str, safe: str | None) -> None:
    assert safe_page(page) == safe


def test_conversion_keeps_only_web_links_and_no_html() -> None:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(f"<div id='x'>{HOSTILE_BODY}</div>")
    prepare_page(tree, "https://docs.example.org/en/1.0/api.html")
    node = tree.css_first("#x")
    assert node is not None
    markdown = html_to_markdown(node.html or "")
    targets, html = links_and_html(markdown)
    assert html == []
    assert targets, markdown
    assert all(t.startswith(("https://", "http://")) for t in targets), targets
    assert "https://docs.example.org/en/1.0/api.html#hostile.add" in targets
    assert "https://docs.example.org/en/1.0/other.html#x" in targets
    assert "https://ok.example/page" in targets
    # The link that tried to end early is one link, its payload encoded inside it.
    assert "https://ok.example/a%29%20%5Bboom%5D%28command:evil" in targets
    # The words stay readable.
    for words in (
        "run a command",
        "read a file",
        "script",
        "[click](command:evil)",
        "after the fence",
    ):
        assert words in markdown.replace("\\", ""), words


async def test_lying_inventory_and_hostile_pages(
    sites: Sites, library: Library, tmp_path: Path
) -> None:
    site = tmp_path / "site" / "en" / "1.0"
    site.mkdir(parents=True)
    survivors = write_hostile_site(site)
    sites.server.tree("/hostile/", tmp_path / "site")
    hostile = distribution("hostile", Documentation=sites.server.url + "hostile/en/1.0/")
    result = await add_distribution(library, hostile, policy=sites.policy())

    # Nothing outside the docs root was requested; the lies were requested at most once each.
    requested = sites.server.fetched("/")
    hostile_requests = [p for p in requested if p.startswith("/hostile/")]
    assert all(p.startswith("/hostile/en/") for p in hostile_requests), hostile_requests
    assert not [p for p in hostile_requests if "outside" in p or "evil" in p]
    assert sorted({p for p in hostile_requests if p.startswith("/hostile/en/1.0/")}) == [
        "/hostile/en/1.0/api.html", "/hostile/en/1.0/missing.html",
        "/hostile/en/1.0/objects.inv", "/hostile/en/1.0/other.html",
    ]  # fmt: skip

    connection = sqlite3.connect(f"{result.docset.path.as_uri()}?mode=ro", uri=True)
    entries = dict(
        connection.execute("SELECT qualname, body || ' ' || url FROM entries").fetchall()
    )
    connection.close()
    assert sorted(entries) == sorted(survivors)
    for text in entries.values():
        targets, html = links_and_html(text)
        assert html == [] and all(t.startswith("http") for t in targets), text
    # Every lie is accounted for in one line each.
    assert any("unsafe page path '../outside.html'" in w for w in result.warnings)
    assert any("missing.html: HTTP 404" in w for w in result.warnings)
    assert any(w.startswith("2 entries dropped") or "entries dropped" in w for w in result.warnings)
