"""The loopback documentation sites every library test fetches from, and the real venv."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from docs_daemon.environment import Environment, find_environment
from docs_daemon.library import FetchPolicy, Library
from tests.builder.conftest import require_html as require_package_html
from tests.library.docs_server import DocsServer, serving
from tests.venvs import Venv

DOC_ROOT = Path(os.environ.get("DOCS_DAEMON_DEBIAN_DOCS", "/usr/share/doc"))
#: Debian's HTML trees, served as the projects' own sites.
WERKZEUG_HTML = DOC_ROOT / "python-werkzeug-doc" / "html"
JINJA_HTML = DOC_ROOT / "python-jinja2-doc" / "html"
DJANGO_HTML = DOC_ROOT / "python-django-doc" / "html"
PYTHON_HTML = DOC_ROOT / "python3.11-doc" / "html"
PACKAGES = {
    WERKZEUG_HTML: "python-werkzeug-doc",
    JINJA_HTML: "python-jinja2-doc",
    DJANGO_HTML: "python-django-doc",
    PYTHON_HTML: "python3.11-doc",
}


def require_html(path: Path) -> Path:
    """Skip locally without the doc package; in CI (which installs them) fail."""
    return require_package_html(path, PACKAGES[path])


@dataclass(frozen=True)
class Sites:
    """The server playing the projects' sites, and the mirrors that send public URLs to it."""

    server: DocsServer
    mirrors: tuple[tuple[str, str], ...]

    def policy(self, **changes: object) -> FetchPolicy:
        values: dict[str, object] = {
            "mirrors": self.mirrors, "connect_timeout": 2.0, "read_timeout": 5.0,
            "page_deadline": 20.0, "backoff": 0.05,
        }  # fmt: skip
        values.update(changes)
        return FetchPolicy(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def docs_server() -> Iterator[DocsServer]:
    """One server for the session; tests add their own routes under their own prefixes."""
    yield from serving(DocsServer())


@pytest.fixture(scope="session")
def sites(docs_server: DocsServer) -> Sites:
    """werkzeug (only ``stable`` and its own 2.2.x: the installed 3.1 has no directory),
    jinja (``3.1.x`` and ``stable``), Django (the front page redirects to ``5.2``; the
    inventory lives at ``_objects/`` as on docs.djangoproject.com)."""
    server = docs_server
    for html in (WERKZEUG_HTML, JINJA_HTML, DJANGO_HTML):
        require_html(html)
    server.redirect("/werkzeug/", "/werkzeug/en/stable/")
    server.tree("/werkzeug/en/stable/", WERKZEUG_HTML)
    server.tree("/werkzeug/en/2.2.x/", WERKZEUG_HTML)
    server.redirect("/jinja/", "/jinja/en/stable/")
    server.tree("/jinja/en/3.1.x/", JINJA_HTML)
    server.tree("/jinja/en/stable/", JINJA_HTML)
    server.redirect("/django/", "/django/en/5.2/")
    server.tree("/django/en/5.2/", DJANGO_HTML)
    server.file("/django/en/5.2/_objects/", DJANGO_HTML / "objects.inv")
    mirrors = (
        ("https://werkzeug.palletsprojects.com/", server.url + "werkzeug/"),
        ("https://jinja.palletsprojects.com/", server.url + "jinja/"),
        ("https://docs.djangoproject.com/", server.url + "django/"),
    )
    return Sites(server, mirrors)


@pytest.fixture(scope="session")
def environment(real_venv: Venv) -> Environment:
    """The real venv with werkzeug, jinja2 and django from PyPI, read from its files."""
    return find_environment(str(real_venv.path), None, {})


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library")
