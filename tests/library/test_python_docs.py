"""``add python@X.Y``: the official HTML archive (``.tar.bz2``, else ``.zip``) from a loopback
``docs.python.org``, built from Debian's Python 3.11 HTML packed the way python.org packs it."""

from __future__ import annotations

import asyncio
import hashlib
import io
import sqlite3
import tarfile
import zipfile
from pathlib import Path

import pytest

from docs_daemon.library import Library, LibraryError, add_python_docs, update
from tests.conftest import BUNDLED_DB
from tests.library.conftest import PYTHON_HTML, Sites, require_html

#: A few real pages: enough for json, functions and the sequence tables, built in seconds.
SUBSET = ("objects.inv", "library/json.html", "library/functions.html", "library/stdtypes.html")


def python_tree() -> Path:
    return require_html(PYTHON_HTML)


def pack_tar(root: Path, target: Path, names: list[Path] | None = None) -> None:
    """``python-3.11-docs-html/...`` as a .tar.bz2, links dereferenced (as python.org's)."""
    with tarfile.open(target, "w:bz2", compresslevel=1, dereference=True) as archive:
        for path in names if names is not None else sorted(root.rglob("*")):
            if path.is_file():
                archive.add(path, f"python-3.11-docs-html/{path.relative_to(root).as_posix()}")


@pytest.fixture(scope="session")
def full_archive(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole tree packed once and kept in pytest's cache (packing takes ~15 s)."""
    root = python_tree()
    key = hashlib.sha256((root / "objects.inv").read_bytes()).hexdigest()[:12]
    cache = getattr(pytestconfig, "cache", None)  # absent under -p no:cacheprovider
    directory = cache.mkdir("python-archives") if cache else tmp_path_factory.mktemp("archives")
    archive = directory / f"python-3.11-docs-html-{key}.tar.bz2"
    if not archive.is_file():
        partial = archive.with_suffix(".partial")
        pack_tar(root, partial)
        partial.replace(archive)
    return archive


def serve_zip_subset(sites: Sites, prefix: str, version: str = "3.11") -> None:
    """python.org's ``version`` archive as a zip of a few of Debian's real 3.11 pages."""
    root = python_tree()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in SUBSET:
            archive.write(root / name, f"python-{version}-docs-html/{name}")
    data = buffer.getvalue()
    sites.server.route(
        f"{prefix}{version}/archives/python-{version}-docs-html.zip",
        lambda request, rest: request.send_bytes(data, "application/zip"),
    )


async def test_zip_when_there_is_no_tar(sites: Sites, library: Library) -> None:
    serve_zip_subset(sites, "/py-zip/")
    result = await add_python_docs(
        library, "3.11", base_url=sites.server.url + "py-zip/", policy=sites.policy()
    )
    installed = result.docset
    assert (installed.name, installed.docset, installed.version) == (
        "python@3.11",
        "python",
        "3.11",
    )
    assert installed.path.name == "python@3.11.sqlite"
    assert installed.source == sites.server.url + "py-zip/3.11/archives/python-3.11-docs-html.zip"
    assert sites.server.fetched("/py-zip/") == [
        "/py-zip/3.11/archives/python-3.11-docs-html.tar.bz2",
        "/py-zip/3.11/archives/python-3.11-docs-html.zip",
    ]
    connection = sqlite3.connect(f"{installed.path.as_uri()}?mode=ro", uri=True)
    url, body = connection.execute(
        "SELECT url, body FROM entries WHERE qualname = 'json.dumps'"
    ).fetchone()
    (append,) = connection.execute(
        "SELECT count(*) FROM entries WHERE qualname = 'list.append'"
    ).fetchone()
    connection.close()
    # Links are the official ones, wherever the archive came from.
    assert url == "https://docs.python.org/3.11/library/json.html#json.dumps"
    assert "Serialize *obj* to a JSON formatted" in body
    assert append == 1
    # Entries of pages the subset leaves out were dropped, not kept without text.
    assert result.dropped > 5000
    assert not [p for p in library.root.iterdir() if "download" in p.name]

    # update: python.org publishes objects.inv beside the archive; the same one means no
    # download, another one a rebuild from the archive.
    published = {"inventory": (python_tree() / "objects.inv").read_bytes()}
    sites.server.route(
        "/py-zip/3.11/objects.inv",
        lambda request, rest: request.send_bytes(
            published["inventory"], "application/octet-stream"
        ),
    )
    before = len(sites.server.fetched("/py-zip/"))
    (unchanged,) = await update(library, policy=sites.policy())
    assert (unchanged.name, unchanged.status) == ("python@3.11", "unchanged"), unchanged
    assert sites.server.fetched("/py-zip/")[before:] == ["/py-zip/3.11/objects.inv"]
    published["inventory"] = b"# Sphinx inventory version 2\n# changed upstream\n"
    (updated,) = await update(library, ["python@3.11"], policy=sites.policy())
    assert updated.status == "updated" and updated.added is not None, updated
    assert sites.server.fetched("/py-zip/")[-1] == "/py-zip/3.11/archives/python-3.11-docs-html.zip"
    assert updated.added.docset.built_at >= installed.built_at


@pytest.mark.slow
def test_full_archive_matches_the_bundled_docs(
    sites: Sites, full_archive: Path, tmp_path: Path
) -> None:
    sites.server.file("/py-full/3.11/archives/python-3.11-docs-html.tar.bz2", full_archive)
    library = Library(tmp_path / "library")
    result = asyncio.run(
        add_python_docs(
            library, "3.11", base_url=sites.server.url + "py-full/", policy=sites.policy()
        )
    )
    assert result.bytes == full_archive.stat().st_size
    connection = sqlite3.connect(f"{result.docset.path.as_uri()}?mode=ro", uri=True)
    names = {q for (q,) in connection.execute("SELECT qualname FROM entries")}
    connection.close()
    bundled = sqlite3.connect(f"{BUNDLED_DB.as_uri()}?mode=ro", uri=True)
    expected = {q for (q,) in bundled.execute("SELECT qualname FROM entries")}
    bundled.close()
    # The same docs built by `docs-daemon build` (the bundled file): the same names, less
    # only what vetting drops (entries whose anchor the HTML lacks).
    assert names <= expected
    assert len(names) > 0.99 * len(expected)
    assert {"json.dumps", "os.path.join", "with", "list.append"} <= names


async def test_hostile_python_archive(sites: Sites, library: Library, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:bz2") as archive:
        info = tarfile.TarInfo("python-3.11-docs-html/objects.inv")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(info)
    data = buffer.getvalue()
    sites.server.route(
        "/py-evil/3.11/archives/python-3.11-docs-html.tar.bz2",
        lambda request, rest: request.send_bytes(data, "application/x-bzip2"),
    )
    with pytest.raises(
        LibraryError,
        match=r"py-evil/3\.11/archives/python-3\.11-docs-html\.tar\.bz2: refusing link member",
    ):
        await add_python_docs(
            library, "3.11", base_url=sites.server.url + "py-evil/", policy=sites.policy()
        )
    assert library.docsets() == []
    assert not list(library.root.iterdir()) or all(
        p.name.endswith(".lock") for p in library.root.iterdir()
    )


@pytest.mark.parametrize("version", ["3", "3.11.2", "2.7.x", "../3.11", "3.11/../../x"])
async def test_python_version_must_be_x_y(library: Library, version: str) -> None:
    with pytest.raises(LibraryError, match=r"give the version as 3\.X"):
        await add_python_docs(library, version)


async def test_unpublished_version(sites: Sites, library: Library) -> None:
    base = sites.server.url + "py-none/"
    with pytest.raises(
        LibraryError,
        match=r"^python@3\.99: no documentation archive at .*3\.99/archives/python-3\.99-docs-html\.tar\.bz2 or .*\.zip \(HTTP 404\)$",
    ):
        await add_python_docs(library, "3.99", base_url=base, policy=sites.policy())
