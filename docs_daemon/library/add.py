"""``add``: official documentation into the library, for the Python docs or a distribution.

Every function here is a coroutine that prints nothing: it reports through ``progress``,
returns an :class:`AddResult` and raises :class:`LibraryError` (one line) when it cannot;
whatever was installed before stays installed. The CLI and the server share them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from docs_daemon.builder.archive import read_archive
from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import Docset
from docs_daemon.builder.sources import DirectoryFiles, DocFiles, find_shallowest
from docs_daemon.builder.sphinx import build_sphinx_docset
from docs_daemon.library.build import build_off_loop, vet_fetched
from docs_daemon.library.catalog import InstalledDocset, Library
from docs_daemon.library.errors import FetchError, LibraryError, NoOfficialDocsError
from docs_daemon.library.fetcher import Fetcher, FetchPolicy
from docs_daemon.library.install import claim, install
from docs_daemon.library.locate import DocsLocation, explicit_site, locate, sites_of
from docs_daemon.library.progress import ProgressCallback, ProgressEvent, ignore_progress
from docs_daemon.library.site import fetch_pages

if TYPE_CHECKING:
    from docs_daemon.environment import Distribution, Environment

#: Where the Python docs' archives are published (``--python-docs-url`` for a mirror).
PYTHON_DOCS_URL = "https://docs.python.org/"
#: Entries always link to the official pages, whichever mirror the bytes came from.
_PYTHON_LINKS = "https://docs.python.org/{version}/"
_PYTHON_VERSION = re.compile(r"^3\.\d{1,2}$")
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar")


@dataclass(frozen=True, slots=True)
class AddResult:
    """What an ``add`` (or the rebuild of an ``update``) did."""

    docset: InstalledDocset
    #: Already installed (or just built by another process): nothing was fetched.
    reused: bool = False
    #: Pages (or archive members) read, and bytes downloaded.
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    #: Where the docs were found: "its metadata (Documentation)", "--from", an archive ...
    via: str = ""
    #: Entries the builder made that were dropped as misleading (see ``library.build``).
    dropped: int = 0
    warnings: tuple[str, ...] = field(default=())


def python_name(version: str) -> str:
    """The library name of the Python docs of ``version`` (``3.13`` -> ``python@3.13``)."""
    if not _PYTHON_VERSION.match(version):
        raise LibraryError(f"python@{version}: give the version as 3.X, e.g. python@3.13")
    return f"python@{version}"


def python_archive_urls(version: str, base_url: str = PYTHON_DOCS_URL) -> list[str]:
    """The official HTML archive of ``version``: the ``.tar.bz2``, then the ``.zip``."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    stem = f"{base}{version}/archives/python-{version}-docs-html"
    return [f"{stem}.tar.bz2", f"{stem}.zip"]


async def add_python_docs(
    library: Library,
    version: str,
    *,
    base_url: str = PYTHON_DOCS_URL,
    policy: FetchPolicy | None = None,
    client: httpx.AsyncClient | None = None,
    progress: ProgressCallback = ignore_progress,
    replace: bool = False,
) -> AddResult:
    """The official HTML archive of Python ``version`` (``3.13``) as ``python@3.13``."""
    name = python_name(version)
    started = time.monotonic()
    async with claim(library, name, replace=replace, progress=progress) as claimed:
        if claimed.ready is not None:
            return AddResult(claimed.ready, reused=True)
        async with Fetcher(policy, client=client) as fetcher:
            return await install_python_archive(
                library, fetcher, version, base_url, progress, started
            )


async def install_python_archive(
    library: Library,
    fetcher: Fetcher,
    version: str,
    base_url: str,
    progress: ProgressCallback,
    started: float,
) -> AddResult:
    """Download, check, build and install the Python docs archive (the claim is held)."""
    name = python_name(version)
    urls = python_archive_urls(version, base_url)
    files, url, size = await _download_archive(library, fetcher, name, urls, progress)
    links = _PYTHON_LINKS.format(version=version)
    docset = await _build_sphinx(name, files, "python", version, links, progress)
    docset.source = url
    docset.source_digest = _inventory_digest(files)
    return await _finish(library, name, docset, files, links, started, size, url, progress)


async def add_distribution(
    library: Library,
    distribution: Distribution,
    environment: Environment | None = None,
    *,
    source: str | None = None,
    location: DocsLocation | None = None,
    docstrings: bool = False,
    policy: FetchPolicy | None = None,
    client: httpx.AsyncClient | None = None,
    progress: ProgressCallback = ignore_progress,
    replace: bool = False,
) -> AddResult:
    """The official docs of an installed distribution, installed under its normalised name.

    ``source`` (a URL, a directory or an archive) replaces the search for a site, and so does
    ``location`` (from :func:`~docs_daemon.library.locate.find_official_docs`). When no
    official docs are reachable this raises :class:`NoOfficialDocsError`, unless
    ``docstrings`` is set: then the installed package's docstrings and signatures, read
    statically from its source, are installed instead (``origin == "docstrings"``).
    """
    name = distribution.key
    started = time.monotonic()
    async with claim(library, name, replace=replace, progress=progress) as claimed:
        if claimed.ready is not None:
            return AddResult(claimed.ready, reused=True)
        try:
            if location is not None:
                async with Fetcher(policy, client=client) as fetcher:
                    return await add_located(
                        library, fetcher, name, location, distribution, progress, started
                    )
            return await _add_official(
                library, distribution, source, policy, client, progress, started
            )
        except NoOfficialDocsError as missing:
            if not docstrings:
                raise
            progress(ProgressEvent(name, "note", f"{missing}; reading the installed docstrings"))
            added = await install_docstrings(
                library, distribution, environment, "", progress, started
            )
            assert added is not None  # no digest to match: always built
            return dataclasses.replace(added, warnings=(str(missing), *added.warnings))


async def add_docstrings(
    library: Library,
    distribution: Distribution,
    environment: Environment | None = None,
    *,
    progress: ProgressCallback = ignore_progress,
) -> AddResult:
    """The installed package's docstrings as its docset, offline, unless a docset of it is
    installed already (then that one, ``reused``): what an editor needs at once when a file
    imports a library the user has no docs of."""
    started = time.monotonic()
    async with claim(library, distribution.key, replace=False, progress=progress) as claimed:
        if claimed.ready is not None:
            return AddResult(claimed.ready, reused=True)
        added = await install_docstrings(library, distribution, environment, "", progress, started)
        assert added is not None  # no digest to match: always built
        return added


async def install_docstrings(
    library: Library,
    distribution: Distribution,
    environment: Environment | None,
    unless_digest: str,
    progress: ProgressCallback,
    started: float,
) -> AddResult | None:
    """Build and install the docstrings docset (the claim is held); ``None`` when the
    installed files still match ``unless_digest``."""
    from docs_daemon.builder.source_docs import build_docstring_docset, installation_digest

    name = distribution.key
    if unless_digest and installation_digest(distribution) == unless_digest:
        return None

    def build(builder_progress: Progress) -> Docset:
        try:
            return build_docstring_docset(
                distribution, environment=environment, progress=builder_progress
            )
        except BuildError as error:
            raise LibraryError(f"{name}: {error}") from None

    docset = await build_off_loop(name, build, progress)
    installed = await _install(library, name, docset)
    return AddResult(
        installed,
        seconds=time.monotonic() - started,
        via="docstrings of the installed package",
        warnings=tuple(docset.warnings),
    )


async def _add_official(
    library: Library,
    distribution: Distribution,
    source: str | None,
    policy: FetchPolicy | None,
    client: httpx.AsyncClient | None,
    progress: ProgressCallback,
    started: float,
) -> AddResult:
    name = distribution.key
    if source is not None and not source.startswith(("http://", "https://")):
        files = await asyncio.to_thread(_local_files, source)
        docset = await _build_sphinx(name, files, name, None, None, progress)
        await _mark(docset, distribution, files, progress)
        installed = await _install(library, name, docset)
        return AddResult(installed, seconds=time.monotonic() - started, via="--from")
    async with Fetcher(policy, client=client) as fetcher:
        if source is not None and source.lower().endswith(ARCHIVE_SUFFIXES):
            files, url, size = await _download_archive(library, fetcher, name, [source], progress)
            # Where the pages are published is unknown: entries carry no links.
            docset = await _build_sphinx(name, files, name, None, "", progress)
            await _mark(docset, distribution, files, progress)
            docset.source = url
            return await _finish(
                library, name, docset, files, "", started, size, "--from", progress
            )
        sites = [explicit_site(source)] if source else sites_of(distribution)
        progress(ProgressEvent(name, "resolve", f"looking for the documentation of {name}"))
        notes: list[str] = []
        location = await locate(fetcher, name, distribution.version, sites, notes=notes)
        return await add_located(library, fetcher, name, location, distribution, progress, started)


async def add_located(
    library: Library,
    fetcher: Fetcher,
    name: str,
    location: DocsLocation,
    distribution: Distribution | None,
    progress: ProgressCallback,
    started: float,
) -> AddResult:
    """Fetch the pages of a located site, build, vet and install (the claim is held)."""
    pages = await fetch_pages(fetcher, location, name, progress)
    version = location.inventory.version or (distribution.version if distribution else "")
    docset = await _build_sphinx(name, pages.files, name, version, location.root, progress)
    docset.source = location.inventory_url
    docset.source_digest = hashlib.sha256(location.inventory_bytes).hexdigest()
    if distribution is not None:
        docset.distribution = distribution.key
        await _add_aliases(docset, distribution, progress)
    result = await _finish(
        library, name, docset, pages.files, location.root, started, pages.bytes, location.via,
        progress,
    )  # fmt: skip
    return dataclasses.replace(
        result,
        pages=pages.pages,
        bytes=pages.bytes + len(location.inventory_bytes),
        warnings=(*pages.skipped, *result.warnings),
    )


async def _add_aliases(
    docset: Docset, distribution: Distribution, progress: ProgressCallback
) -> None:
    """The other spellings of the documented names, read from the installed package
    (``jinja2.environment.Template`` -> ``jinja2.Template``); best effort."""
    from docs_daemon.builder.source_docs import public_aliases

    name = distribution.key
    message = f"reading other spellings of {name}'s names from the installed package"
    progress(ProgressEvent(name, "aliases", message, 0, 1))
    documented = {entry.qualname for entry in docset.entries}
    try:
        docset.aliases = await asyncio.to_thread(public_aliases, distribution, documented)
    except (BuildError, OSError) as error:
        docset.warnings.append(f"aliases of {distribution.name} not read: {error}")
    progress(ProgressEvent(name, "aliases", message, 1, 1))


async def _finish(
    library: Library,
    name: str,
    docset: Docset,
    files: DocFiles,
    root: str,
    started: float,
    size: int,
    via: str,
    progress: ProgressCallback,
) -> AddResult:
    """Vet a fetched docset and install it."""
    dropped = vet_fetched(docset, root, files)
    if dropped:
        docset.warnings.append(
            f"{dropped} entries dropped: their page or anchor is missing, their link leaves "
            f"{root}, or their name is not a Python name"
        )
    progress(ProgressEvent(name, "write", f"writing {library.path_for(name)}"))
    installed = await _install(library, name, docset)
    return AddResult(
        installed,
        pages=sum(1 for path in files.paths() if path.endswith(".html")),
        bytes=size,
        seconds=time.monotonic() - started,
        via=via,
        dropped=dropped,
        warnings=tuple(docset.warnings),
    )


async def _install(library: Library, name: str, docset: Docset) -> InstalledDocset:
    try:
        return await install(library, name, docset)
    except BuildError as error:
        raise LibraryError(f"{name}: {error}") from None
    except (OSError, sqlite3.Error) as error:
        raise LibraryError(f"{name}: cannot write {library.path_for(name)}: {error}") from None


async def _download_archive(
    library: Library,
    fetcher: Fetcher,
    name: str,
    urls: list[str],
    progress: ProgressCallback,
) -> tuple[DocFiles, str, int]:
    """The first of ``urls`` that exists, downloaded beside the library and read (with the
    hostile-archive checks); the download is deleted afterwards."""
    library.root.mkdir(parents=True, exist_ok=True)
    for index, url in enumerate(urls):
        suffix = next(s for s in ARCHIVE_SUFFIXES if url.lower().endswith(s))
        temp = library.root / f".{name}.download{suffix}"
        message = f"downloading {url}"

        def on_bytes(done: int, total: int | None, message: str = message) -> None:
            progress(ProgressEvent(name, "download", message, done, total, "bytes"))

        try:
            progress(ProgressEvent(name, "download", message, 0, None, "bytes"))
            await fetcher.download(url, temp, on_bytes=on_bytes)
            size = temp.stat().st_size
            progress(ProgressEvent(name, "build", f"checking and reading {temp.name}"))
            files = await build_off_loop(name, functools.partial(_read, temp, url), progress)
            return files, url, size
        except FetchError as error:
            if error.status == 404 and index + 1 < len(urls):
                continue
            if error.status == 404 and len(urls) > 1:
                raise LibraryError(
                    f"{name}: no documentation archive at {' or '.join(urls)} (HTTP 404)"
                ) from None
            raise
        finally:
            temp.unlink(missing_ok=True)
    raise AssertionError("unreachable: the last URL raises")


def _read(path: Path, url: str, progress: Progress) -> DocFiles:
    """The archive's files, checked; messages name the URL, not the temporary file."""
    try:
        files = read_archive(path)
    except BuildError as error:
        raise LibraryError(str(error).replace(str(path), url)) from None
    files.label = url
    return files


def _local_files(source: str) -> DocFiles:
    path = Path(source).expanduser()
    if path.is_dir():
        return DirectoryFiles(path)
    if path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES):
        try:
            return read_archive(path)
        except BuildError as error:
            raise LibraryError(str(error)) from None
    if not path.exists():
        raise LibraryError(f"--from {path}: no such file or directory")
    raise LibraryError(f"--from {path}: not a Sphinx HTML directory, an archive or a URL")


async def _build_sphinx(
    name: str,
    files: DocFiles,
    docset_name: str,
    version: str | None,
    base_url: str | None,
    progress: ProgressCallback,
) -> Docset:
    def build(builder_progress: Progress) -> Docset:
        try:
            return build_sphinx_docset(
                files, name=docset_name, version=version, base_url=base_url,
                progress=builder_progress,
            )  # fmt: skip
        except BuildError as error:
            raise LibraryError(f"{name}: {error}") from None

    return await build_off_loop(name, build, progress)


async def _mark(
    docset: Docset, distribution: Distribution, files: DocFiles, progress: ProgressCallback
) -> None:
    docset.distribution = distribution.key
    docset.source_digest = _inventory_digest(files)
    await _add_aliases(docset, distribution, progress)


def _inventory_digest(files: DocFiles) -> str:
    path = find_shallowest(files, "objects.inv")
    data = files.read(path) if path is not None else None
    return hashlib.sha256(data).hexdigest() if data is not None else ""
