"""Single real pages through the page extractor: fast, and each about one thing the docs do.

- Django's docs use Sphinx's viewcode: each signature ends with a ``[source]`` link.
- The Python docs introduce members with a lead-in sentence ("…support the following
  method…:") whose list becomes entries of their own.
- Flask's docs write parameter types one ``<em>`` per token (``Optional[Union[str, …]]``).
"""

from __future__ import annotations

import functools
import io
import os
import re
from pathlib import Path

import pytest

from docs_daemon.builder.inventory import parse_inventory
from docs_daemon.builder.pages import PageJob, Target, extract_page
from docs_daemon.builder.records import DocEntry
from docs_daemon.builder.sphinx import plan_targets
from docs_daemon.terminal_render import make_console, markdown, render
from tests.builder.conftest import FLASK_BASE_URL, FLASK_HTML, PYTHON_BASE_URL, require_html

DJANGO_HTML = Path(
    os.environ.get("DOCS_DAEMON_DJANGO_HTML", "/usr/share/doc/python-django-doc/html")
)
DJANGO_BASE_URL = "https://docs.djangoproject.com/en/3.2/"


@functools.cache
def _targets(html_root: Path, base_url: str) -> dict[str, list[Target]]:
    inventory = parse_inventory((html_root / "objects.inv").read_bytes(), "objects.inv")
    return plan_targets(inventory, base_url)


def _page_entries(html_root: Path, base_url: str, page: str) -> dict[str, DocEntry]:
    """Every inventory object of ``page``, extracted as the builder does."""
    targets = _targets(html_root, base_url)[page]
    html = (html_root / page).read_bytes()
    result = extract_page(PageJob(page, html, base_url + page, tuple(targets)))
    assert not result.missing and not result.failed
    return {entry.qualname: entry for entry in result.entries}


@pytest.fixture(scope="module")
def django_html() -> Path:
    return require_html(DJANGO_HTML, "python-django-doc")


@pytest.fixture(scope="module")
def python_html() -> Path:
    from tests.builder.conftest import PYTHON_HTML

    return require_html(PYTHON_HTML, "python3.11-doc")


@pytest.fixture(scope="module")
def flask_html() -> Path:
    return require_html(FLASK_HTML, "python-flask-doc")


@pytest.mark.parametrize(
    "page", ["topics/http/shortcuts.html", "ref/utils.html", "topics/auth/passwords.html"]
)
def test_source_links_stay_out_of_signatures(django_html: Path, page: str) -> None:
    html = (django_html / page).read_text()
    assert html.count('class="viewcode-link"') >= 3  # the page really has [source] links
    entries = _page_entries(django_html, DJANGO_BASE_URL, page)
    with_signature = [e for e in entries.values() if e.signature]
    assert len(with_signature) >= 3
    for entry in entries.values():
        for text in (entry.signature, entry.summary, entry.body):
            assert "[source]" not in text, entry.qualname
            assert "_modules/" not in text, entry.qualname


def test_django_render_signature(django_html: Path) -> None:
    entries = _page_entries(django_html, DJANGO_BASE_URL, "topics/http/shortcuts.html")
    render_entry = entries["django.shortcuts.render"]
    assert render_entry.signature == (
        "(request, template_name, context=None, content_type=None, status=None, using=None)"
    )
    assert render_entry.summary.startswith("Combines a given template with a given context")


def test_lead_in_names_the_members_that_moved(python_html: Path) -> None:
    url = PYTHON_BASE_URL + "library/collections.html"
    entries = _page_entries(python_html, PYTHON_BASE_URL, "library/collections.html")
    body = entries["collections.defaultdict"].body
    assert (
        f"objects support the following method in addition to the\nstandard "
        f"[`dict`]({PYTHON_BASE_URL}library/stdtypes.html#dict) operations:\n\n"
        f"[`__missing__()`]({url}#collections.defaultdict.__missing__)\n\n"
    ) in body
    assert (
        "objects support the following instance variable:\n\n"
        f"[`default_factory`]({url}#collections.defaultdict.default_factory)\n\n"
    ) in body
    # Several members after one lead-in: all of them, in the docs' order, on one line.
    counter = entries["collections.Counter"].body
    assert (
        f"[`elements()`]({url}#collections.Counter.elements), "
        f"[`most_common()`]({url}#collections.Counter.most_common), "
        f"[`subtract()`]({url}#collections.Counter.subtract), "
        f"[`total()`]({url}#collections.Counter.total)"
    ) in counter
    # The members keep their own entries, and their text stays out of the parent's.
    assert entries["collections.defaultdict.__missing__"].body
    assert "If the default_factory attribute is None" not in body


@pytest.mark.parametrize(
    ("page", "module", "members"),
    [
        ("library/curses.html", "curses.textpad", ["rectangle()"]),
        ("library/doctest.html", "doctest.DocTestFinder", ["find()"]),
    ],
)
def test_no_lead_in_dangles(python_html: Path, page: str, module: str, members: list[str]) -> None:
    entries = _page_entries(python_html, PYTHON_BASE_URL, page)
    assert [e.qualname for e in entries.values() if e.body.rstrip().endswith(":")] == []
    body = entries[module].body
    for member in members:
        assert f"[`{member}`](" in body


def test_types_one_em_per_token_read_as_one_type(flask_html: Path) -> None:
    entries = _page_entries(flask_html, FLASK_BASE_URL, "api.html")
    handler = entries["flask.Blueprint.app_errorhandler"].body
    # Brackets in page text are escaped (no page text makes a Markdown link of its own).
    assert "**code** (*Union\\[Type\\[Exception\\], int\\]*) –" in handler
    response = f"[Response]({FLASK_BASE_URL}api.html#flask.Response)"
    add_url_rule = entries["flask.Blueprint.add_url_rule"].body
    assert (
        "**view_func** (*Optional\\[Union\\[Callable\\[\\[...\\], "
        f"Union\\[{response}, str, bytes, List\\[Any\\],"
    ) in add_url_rule
    # No run of emphasis markers anywhere on the page (the old ``*Union**[**str**]*``).
    for entry in entries.values():
        assert not re.search(r"\*\*\\?\[\*\*|\*\*\\?\]\*|\*,\* \*", entry.body), entry.qualname


def test_nested_types_at_the_terminal(flask_html: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    entries = _page_entries(flask_html, FLASK_BASE_URL, "api.html")
    console = make_console(io.StringIO())  # not a terminal: plain text
    text = render(console, [markdown(console, entries["flask.Blueprint.app_errorhandler"].body)])
    assert "code (Union[Type[Exception], int]) –" in text
    assert "Callable[[T_error_handler], T_error_handler]" in text
    assert "*" not in text
