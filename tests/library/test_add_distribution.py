"""``add`` of a distribution's official docs, found through its real metadata and fetched from
the loopback sites playing werkzeug.palletsprojects.com, jinja.palletsprojects.com and
docs.djangoproject.com. Each project is built once per session; tests read the result."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from docs_daemon.builder.progress import Progress
from docs_daemon.builder.sources import DirectoryFiles
from docs_daemon.builder.sphinx import build_sphinx_docset
from docs_daemon.environment import Environment
from docs_daemon.library import (
    AddResult,
    DocsLocation,
    Library,
    NoOfficialDocsError,
    ProgressEvent,
    add_distribution,
    find_official_docs,
    update,
)
from tests.library.conftest import JINJA_HTML, WERKZEUG_HTML, Sites


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="session")
def werkzeug_added(
    sites: Sites, environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AddResult, list[ProgressEvent]]:
    events: list[ProgressEvent] = []
    library = Library(tmp_path_factory.mktemp("werkzeug") / "library")
    werkzeug = environment.distributions["werkzeug"]
    result = asyncio.run(
        add_distribution(library, werkzeug, policy=sites.policy(), progress=events.append)
    )
    return result, events


@pytest.fixture(scope="session")
def jinja_found(sites: Sites, environment: Environment) -> DocsLocation:
    """Located first (as a server asking "Download the official docs of jinja2?" does)."""
    return asyncio.run(
        find_official_docs(environment.distributions["jinja2"], policy=sites.policy())
    )


@pytest.fixture(scope="session")
def jinja_added(
    sites: Sites, environment: Environment, jinja_found: DocsLocation,
    tmp_path_factory: pytest.TempPathFactory,
) -> AddResult:  # fmt: skip
    library = Library(tmp_path_factory.mktemp("jinja") / "library")
    jinja = environment.distributions["jinja2"]
    return asyncio.run(
        add_distribution(library, jinja, location=jinja_found, policy=sites.policy())
    )


def test_location_found_before_adding(
    sites: Sites, jinja_found: DocsLocation, jinja_added: AddResult
) -> None:
    # jinja2 3.1.6 is installed and the site has a 3.1.x directory: the release's own docs.
    assert jinja_found.root == "https://jinja.palletsprojects.com/en/3.1.x/"
    assert jinja_found.matches_release and jinja_found.via == "its metadata (Documentation)"
    assert (jinja_found.inventory.project, jinja_found.inventory.version) == ("Jinja", "3.1.x")
    # Adding from the location fetched the inventory no second time.
    assert sites.server.fetched("/jinja/en/3.1.x/objects.inv") == ["/jinja/en/3.1.x/objects.inv"]
    assert jinja_added.docset.source == jinja_found.inventory_url


def test_werkzeug_found_through_its_metadata_falls_back_to_stable(
    sites: Sites, environment: Environment, werkzeug_added: tuple[AddResult, list[ProgressEvent]]
) -> None:
    result, _ = werkzeug_added
    installed = result.docset
    assert environment.distributions["werkzeug"].version.startswith("3.1.")
    assert installed.name == "werkzeug"
    assert installed.path.name == "werkzeug.sqlite"
    assert installed.origin == "official"
    assert installed.distribution == "werkzeug"
    # The docs say what they are: stable, which is 2.2.x here; the links are the public site's.
    assert installed.version == "2.2.x"
    assert installed.base_url == "https://werkzeug.palletsprojects.com/en/stable/"
    assert installed.source == "https://werkzeug.palletsprojects.com/en/stable/objects.inv"
    assert len(installed.source_digest) == 64
    assert result.via == "its metadata (Documentation)"
    # The installed release's own directories were tried before stable.
    tried = sites.server.fetched("/werkzeug/en/")
    assert tried.index("/werkzeug/en/3.1.x/objects.inv") < tried.index(
        "/werkzeug/en/stable/objects.inv"
    )
    ((body, url),) = rows(
        installed.path, "SELECT body, url FROM entries WHERE qualname = 'werkzeug.wrappers.Request'"
    )
    assert "Represents an incoming WSGI HTTP request" in str(body)
    assert (
        url
        == "https://werkzeug.palletsprojects.com/en/stable/wrappers.html#werkzeug.wrappers.Request"
    )


def test_only_the_inventory_pages_are_fetched_once_each(
    sites: Sites, werkzeug_added: tuple[AddResult, list[ProgressEvent]]
) -> None:
    result, _ = werkzeug_added
    fetched = sites.server.fetched("/werkzeug/en/stable/")
    pages = [p for p in fetched if p.endswith(".html")]
    tree_pages = list(WERKZEUG_HTML.glob("**/*.html"))
    assert result.pages == len(set(pages)) == 19 < len(tree_pages)
    assert len(pages) == len(set(pages)), "a page was fetched twice"
    assert not [p for p in fetched if "/_static/" in p or "/_sources/" in p]
    assert (
        result.bytes
        == sum(
            (WERKZEUG_HTML / p.removeprefix("/werkzeug/en/stable/")).stat().st_size
            for p in set(pages)
        )
        + (WERKZEUG_HTML / "objects.inv").stat().st_size
    )


def test_progress_reports_every_stage(
    werkzeug_added: tuple[AddResult, list[ProgressEvent]],
) -> None:
    _, events = werkzeug_added
    assert next(e.stage for e in events if e.stage != "note") == "resolve"
    assert {"resolve", "pages", "build", "write"} <= {e.stage for e in events}
    pages = [e for e in events if e.stage == "pages"]
    assert (pages[0].done, pages[-1].done, pages[-1].total, pages[-1].unit) == (0, 19, 19, "pages")
    assert all(e.docset == "werkzeug" for e in events)


def test_fetched_docset_equals_a_local_build(jinja_added: AddResult) -> None:
    """Independent check: the builder reading the same tree from disk makes the same entries."""
    installed = jinja_added.docset
    assert installed.base_url == "https://jinja.palletsprojects.com/en/3.1.x/"
    assert installed.version == "3.1.x"
    local = build_sphinx_docset(
        DirectoryFiles(JINJA_HTML), name="jinja2", version=None,
        base_url=installed.base_url, progress=Progress(quiet=True),
    )  # fmt: skip
    expected = {
        e.qualname: (e.kind.value, e.signature, e.body, e.url)
        for e in local.entries
        if "-" not in e.qualname
    }
    got = {
        q: (k, s, b, u)
        for q, k, s, b, u in rows(
            installed.path, "SELECT qualname, kind, signature, body, url FROM entries"
        )
    }
    assert got == expected
    # Jinja documents its template filters as "jinja-filters.abs": not Python names, dropped.
    assert jinja_added.dropped == sum(1 for e in local.entries if "-" in e.qualname) > 50


@pytest.mark.slow
async def test_django_through_redirect_and_registry_inventory_place(
    sites: Sites, environment: Environment, library: Library
) -> None:
    result = await add_distribution(
        library, environment.distributions["django"], policy=sites.policy()
    )
    assert result.docset.base_url == "https://docs.djangoproject.com/en/5.2/"
    # The intersphinx registry says Django publishes its inventory at _objects/.
    assert result.docset.source == "https://docs.djangoproject.com/en/5.2/_objects/"
    assert result.docset.entries > 2000
    ((url, body),) = rows(
        result.docset.path,
        "SELECT url, body FROM entries WHERE qualname = 'django.db.models.query.QuerySet.filter'",
    )
    assert (
        url
        == "https://docs.djangoproject.com/en/5.2/ref/models/querysets.html#django.db.models.query.QuerySet.filter"
    )
    assert "lookup parameters" in str(body)


async def test_from_directory_then_reuse_then_replace_from_url(
    sites: Sites, environment: Environment, library: Library
) -> None:
    jinja = environment.distributions["jinja2"]
    first = await add_distribution(library, jinja, source=str(JINJA_HTML))
    assert (first.via, first.docset.source, first.docset.distribution) == (
        "--from",
        str(JINJA_HTML),
        "jinja2",
    )
    assert first.docset.entries > 250
    before = len(sites.server.requests)
    again = await add_distribution(library, jinja, policy=sites.policy())
    assert again.reused and again.docset == first.docset
    assert len(sites.server.requests) == before, "a reused docset fetched something"
    # An explicit URL is used as it is: no other version is tried.
    source = "https://jinja.palletsprojects.com/en/stable/"
    rebuilt = await add_distribution(
        library, jinja, source=source, policy=sites.policy(), replace=True
    )
    assert not rebuilt.reused and rebuilt.via == "--from"
    assert rebuilt.docset.base_url == source
    assert sites.server.requests[before] == "/jinja/en/stable/objects.inv"
    assert [d.name for d in library.docsets()] == ["jinja2"]


async def test_docstrings_when_no_official_docs_are_reachable(
    sites: Sites, environment: Environment, library: Library
) -> None:
    markupsafe = environment.distributions["markupsafe"]
    assert markupsafe.documentation_url == "https://markupsafe.palletsprojects.com/"
    # Its site is down (the loopback server has nothing there).
    policy = sites.policy(
        mirrors=(
            ("https://markupsafe.palletsprojects.com/", sites.server.url + "markupsafe-down/"),
        )
    )
    with pytest.raises(NoOfficialDocsError, match=r"^markupsafe: no Sphinx objects\.inv"):
        await add_distribution(library, markupsafe, environment, policy=policy)
    assert library.docsets() == []
    result = await add_distribution(
        library, markupsafe, environment, docstrings=True, policy=policy
    )
    installed = result.docset
    assert (installed.origin, installed.distribution, installed.version) == (
        "docstrings",
        "markupsafe",
        markupsafe.version,
    )
    assert result.via == "docstrings of the installed package"
    assert result.warnings[0].startswith("markupsafe: no Sphinx objects.inv")
    ((summary,),) = rows(
        installed.path, "SELECT summary FROM entries WHERE qualname = 'markupsafe.escape'"
    )
    assert "HTML" in str(summary)
    # update: the site is still down and the installed files did not change.
    (result_update,) = await update(library, environment=environment, policy=policy)
    assert (result_update.status, result_update.name) == ("unchanged", "markupsafe"), result_update
    # Without the environment there is nothing to read the docstrings from.
    (skipped,) = await update(library, policy=policy)
    assert skipped.status == "skipped" and "not installed in this environment" in skipped.message
