"""The builder's pure parts: name words, parents, priorities, docstrings, fragments, names."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from docs_daemon.builder.archive import safe_member_name
from docs_daemon.builder.docstrings import docstring_to_markdown, first_paragraph
from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.inventory import InventoryItem, parent_of
from docs_daemon.builder.keywords import keyword_label, python_keywords, topic_text
from docs_daemon.builder.markdown import html_to_markdown, prepare_page
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import DocEntry
from docs_daemon.builder.writer import entry_priority, qualname_words
from docs_daemon.schema import Kind


@pytest.mark.parametrize(
    ("qualname", "words"),
    [
        (
            "collections.OrderedDict.move_to_end",
            "collections OrderedDict Ordered Dict move to end",
        ),
        ("json.JSONDecodeError", "json JSONDecodeError JSON Decode Error"),
        ("http.server.HTTPServer", "http server HTTPServer HTTP Server"),
        ("logging.getLogger", "logging getLogger get Logger"),
        ("__import__", "import"),
        ("async for", "async for"),
        ("os.path", "os path"),
    ],
)
def test_qualname_words(qualname: str, words: str) -> None:
    assert qualname_words(qualname) == words


def test_parent_is_the_immediate_prefix() -> None:
    assert parent_of("xml.etree.ElementTree.Element.find") == "xml.etree.ElementTree.Element"
    assert parent_of("xml.etree.ElementTree") == "xml.etree"
    assert parent_of("curses.window.addch") == "curses.window"  # no entry for curses.window
    assert parent_of("len") is None


def _entry(qualname: str, kind: Kind, priority: int = 0) -> DocEntry:
    name = qualname.rpartition(".")[2]
    return DocEntry(qualname, name, kind, None, "", "", "", "", priority)


def test_deprecation_only_breaks_ties() -> None:
    current = entry_priority(_entry("collections.OrderedDict", Kind.CLASS))
    alias = DocEntry("typing.OrderedDict", "OrderedDict", Kind.CLASS, None, "", "", "", "", 0, True)
    deeper = entry_priority(_entry("a.b.OrderedDict", Kind.CLASS))
    function = entry_priority(_entry("a.f", Kind.FUNCTION))
    assert current > entry_priority(alias) > deeper
    assert entry_priority(alias) > function


def test_priority_order() -> None:
    def rank(qualname: str, kind: Kind, sphinx: int = 0) -> int:
        return entry_priority(_entry(qualname, kind, sphinx))

    assert rank("json.dumps", Kind.FUNCTION) > rank("json.JSONEncoder.encode", Kind.METHOD)
    assert rank("sys.exit", Kind.FUNCTION) > rank("sys._getframe", Kind.FUNCTION)
    assert rank("object.__init__", Kind.METHOD) > rank("object._private", Kind.METHOD)
    assert rank("with", Kind.KEYWORD) > rank("json", Kind.MODULE) > rank("json.x", Kind.DATA)
    assert (
        rank("a.b", Kind.FUNCTION, 1)
        > rank("a.b", Kind.FUNCTION, 0)
        > rank("a.b", Kind.FUNCTION, -2)
    )


def test_docstring_fences_examples_and_literal_blocks() -> None:
    doc = (
        "Add numbers, see :func:`operator.add`.\n\n"
        "Usage::\n\n    total = add(1, 2)\n\n"
        ">>> add(1, 2)\n3\n\nMore prose."
    )
    markdown = docstring_to_markdown(doc)
    assert markdown == (
        "Add numbers, see `operator.add`.\n\n"
        "Usage:\n\n```text\ntotal = add(1, 2)\n```\n\n"
        "```pycon\n>>> add(1, 2)\n3\n```\n\nMore prose."
    )
    assert first_paragraph(markdown) == "Add numbers, see `operator.add`."
    assert first_paragraph("```pycon\n>>> x\n\n1\n```\n\nThen text.") == "Then text."


def test_fragment_conversion() -> None:
    page = LexborHTMLParser(
        '<div id="x"><p>See <a class="reference internal" href="other.html#thing" title="t">'
        '<code>thing</code></a>.<a class="headerlink" href="#x">\u00b6</a></p>'
        "<p>If <em>dir_fd</em> is given, __init__ uses <code>a_b</code>.</p>"
        '<div class="admonition warning"><p class="admonition-title">Warning</p>'
        "<p>Careful.</p></div>"
        '<div class="highlight-python3 notranslate"><div class="highlight"><pre>'
        "<span>&gt;&gt;&gt; </span>1 + 1\n2</pre></div></div>"
        '<div class="highlight-python3 notranslate"><div class="highlight"><pre>x = 1</pre></div></div>'
        '<div class="versionchanged"><p><span class="versionmodified changed">'
        "Changed in version 3.2: </span>Faster.</p></div></div>"
    )
    prepare_page(page, "https://docs.example/lib/page.html")
    node = page.css_first("#x")
    assert node is not None
    assert html_to_markdown(node.html or "") == (
        "See [`thing`](https://docs.example/lib/other.html#thing).\n\n"
        "If *dir_fd* is given, \\_\\_init\\_\\_ uses `a_b`.\n\n"
        "> **Warning:** Careful.\n\n"
        "```pycon\n>>> 1 + 1\n2\n```\n\n"
        "```python\nx = 1\n```\n\n"
        "*Changed in version 3.2:* Faster."
    )


def test_keyword_sources() -> None:
    words = python_keywords()
    assert {"with", "yield", "lambda", "match", "case", "_", "async for", "async with"} <= set(
        words
    )
    assert not {"None", "True", "False"} & set(words)
    labels = {
        name: InventoryItem("std", "label", name, -1, "reference/compound_stmts.html", name)
        for name in ("async", "match", "with")
    }
    async_for = keyword_label("async for", labels)
    assert async_for is not None and async_for.anchor == "async-for"
    case = keyword_label("case", labels)
    assert case is not None and case.anchor == "match"
    assert keyword_label("yield", labels) is None
    # The interpreter's own plain-text topics are the fallback when the HTML lacks a section.
    assert "with_stmt" in (topic_text("with") or "")
    assert "yield" in (topic_text("yield") or "")


@pytest.mark.parametrize(
    "name", ["../x.html", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b", "nul\x00.html"]
)
def test_unsafe_member_names(name: str) -> None:
    with pytest.raises(BuildError):
        safe_member_name(Path("a.zip"), name)


def test_safe_member_names() -> None:
    assert safe_member_name(Path("a.zip"), "./docs/index.html") == "docs/index.html"
    assert safe_member_name(Path("a.zip"), "python-3.11-docs-html/objects.inv") == (
        "python-3.11-docs-html/objects.inv"
    )


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_on_a_terminal_redraws_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    stream = _Stream(tty=True)
    progress = Progress(stream)
    assert progress.interactive
    progress.start("pages", 4)
    for _ in range(3):
        progress.advance()
    progress.note("page x: skipped")
    progress.advance()
    progress.finish()
    text = stream.getvalue()
    assert "\x1b[?25l" in text  # the bar hides the cursor while it redraws
    final = text.rsplit("\r", 1)[-1]
    assert "pages" in final and "4/4" in final and final.endswith("\n\x1b[?25h")
    assert "page x: skipped" in text


def test_progress_on_a_dumb_terminal_prints_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    progress = Progress(_Stream(tty=True))
    assert not progress.interactive


def test_progress_in_logs_prints_a_few_lines() -> None:
    stream = _Stream(tty=False)
    progress = Progress(stream)
    progress.note("reading docs")
    progress.start("pages", 100)
    for _ in range(100):
        progress.advance()
    progress.finish()
    assert stream.getvalue().splitlines() == [
        "reading docs",
        "pages: 25/100",
        "pages: 50/100",
        "pages: 75/100",
        "pages: 100/100",
    ]
    assert "\r" not in stream.getvalue()


def test_quiet_progress_prints_nothing() -> None:
    stream = _Stream(tty=True)
    progress = Progress(stream, quiet=True)
    progress.note("x")
    progress.start("pages", 3)
    progress.advance(3)
    progress.finish()
    assert stream.getvalue() == ""


_LINE = st.one_of(
    st.text(alphabet="abc XYZ_.(),=", max_size=30),
    st.builds(lambda s: ">>> " + s, st.text(alphabet="abc 123+", max_size=15)),
    st.builds(lambda s: "    " + s, st.text(alphabet="abc =1", max_size=15)),
    st.just(""),
)


@given(st.lists(_LINE, max_size=25))
def test_docstring_conversion_keeps_every_word_and_closes_fences(lines: list[str]) -> None:
    doc = "\n".join(lines)
    markdown = docstring_to_markdown(doc)
    fences = [line for line in markdown.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0
    assert re.findall(r"\w+", doc) == re.findall(
        r"\w+", markdown.replace("```pycon", "").replace("```text", "")
    )
