"""``update``: rebuild the installed docsets whose documentation changed upstream.

What "changed" means per origin:

- the Python docs: the ``objects.inv`` published beside the archive differs from the one the
  docset was built from (its sha256 is the docset's ``source_digest``);
- a distribution's official docs: the environment's release now has a better docs directory
  (its own version instead of ``stable``), or the ``objects.inv`` changed;
- docstrings: official docs became reachable, or the installed distribution changed.

Each docset is handled under its lock and independently: one failing leaves the others (and
itself) as they were.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import httpx

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.inventory import parse_inventory
from docs_daemon.environment import Environment
from docs_daemon.library.add import (
    ARCHIVE_SUFFIXES,
    PYTHON_DOCS_URL,
    AddResult,
    add_located,
    install_docstrings,
    install_python_archive,
)
from docs_daemon.library.catalog import InstalledDocset, Library
from docs_daemon.library.errors import FetchError, LibraryError, NoOfficialDocsError
from docs_daemon.library.fetcher import Fetcher, FetchPolicy
from docs_daemon.library.install import claim
from docs_daemon.library.locate import DocsLocation, locate, sites_of
from docs_daemon.library.progress import ProgressCallback, ProgressEvent, ignore_progress

Status = Literal["updated", "unchanged", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """One docset's outcome, with a line for people."""

    name: str
    status: Status
    message: str
    added: AddResult | None = None


async def update(
    library: Library,
    names: Sequence[str] | None = None,
    *,
    environment: Environment | None = None,
    python_docs_url: str | None = None,
    policy: FetchPolicy | None = None,
    client: httpx.AsyncClient | None = None,
    progress: ProgressCallback = ignore_progress,
) -> list[UpdateResult]:
    """Update ``names`` (default: every installed docset); never raises for one docset."""
    installed = {d.name: d for d in library.docsets()}
    wanted = list(names) if names else sorted(installed)
    results: list[UpdateResult] = []
    async with Fetcher(policy, client=client) as fetcher:
        for name in wanted:
            docset = installed.get(name)
            if docset is None:
                results.append(UpdateResult(name, "failed", f"{name} is not installed"))
                continue
            try:
                async with claim(library, name, replace=True, progress=progress) as claimed:
                    if claimed.ready is not None:
                        message = f"{name}: just rebuilt by another docs-daemon"
                        results.append(UpdateResult(name, "unchanged", message))
                        continue
                    job = _Update(library, fetcher, docset, environment, progress)
                    results.append(await job.run(python_docs_url))
            except LibraryError as error:
                results.append(UpdateResult(name, "failed", str(error)))
    return results


class _Update:
    """The update of one installed docset, its claim held."""

    def __init__(
        self,
        library: Library,
        fetcher: Fetcher,
        docset: InstalledDocset,
        environment: Environment | None,
        progress: ProgressCallback,
    ) -> None:
        self.library = library
        self.fetcher = fetcher
        self.docset = docset
        self.environment = environment
        self.progress = progress
        self.started = time.monotonic()

    async def run(self, python_docs_url: str | None) -> UpdateResult:
        docset = self.docset
        self.progress(ProgressEvent(docset.name, "resolve", f"checking {docset.name}"))
        if docset.name.startswith("python@"):
            return await self._python(python_docs_url)
        if docset.origin == "docstrings":
            return await self._docstrings()
        return await self._official()

    def _unchanged(self, why: str) -> UpdateResult:
        return UpdateResult(self.docset.name, "unchanged", f"{self.docset.name}: {why}")

    def _updated(self, added: AddResult) -> UpdateResult:
        new = added.docset
        message = f"{new.name}: rebuilt, {new.version or 'unversioned'} ({new.entries:,} entries)"
        return UpdateResult(new.name, "updated", message, added)

    async def _python(self, python_docs_url: str | None) -> UpdateResult:
        version = self.docset.name.partition("@")[2]
        base = python_docs_url or _archive_base(self.docset.source, version) or PYTHON_DOCS_URL
        inventory_url = f"{base.rstrip('/')}/{version}/objects.inv"
        try:
            fetched = await self.fetcher.get(inventory_url)
            if _digest(fetched.content) == self.docset.source_digest:
                return self._unchanged("the published objects.inv is unchanged")
        except FetchError as error:
            if error.status != 404:
                raise
        added = await install_python_archive(
            self.library, self.fetcher, version, base, self.progress, self.started
        )
        return self._updated(added)

    async def _official(self) -> UpdateResult:
        docset = self.docset
        distribution = (
            self.environment.distributions.get(docset.distribution)
            if self.environment is not None and docset.distribution
            else None
        )
        if distribution is not None and sites_of(distribution):
            location = await locate(
                self.fetcher, docset.name, distribution.version, sites_of(distribution), notes=[]
            )
        elif docset.source.startswith(("https://", "http://")) and not docset.source.endswith(
            ARCHIVE_SUFFIXES
        ):
            location = await self._same_place()
        else:
            why = "built from a local or archived source; add it again with --from to rebuild"
            return UpdateResult(docset.name, "skipped", f"{docset.name}: {why}")
        if (
            location.root == docset.base_url
            and _digest(location.inventory_bytes) == docset.source_digest
        ):
            return self._unchanged(f"{location.inventory_url} is unchanged")
        added = await add_located(
            self.library, self.fetcher, docset.name, location, distribution, self.progress,
            self.started,
        )  # fmt: skip
        return self._updated(added)

    async def _same_place(self) -> DocsLocation:
        """The docset's own inventory URL again (its distribution is not in the environment)."""
        docset = self.docset
        fetched = await self.fetcher.get(docset.source)
        try:
            inventory = parse_inventory(fetched.content, docset.source)
        except BuildError as error:
            raise LibraryError(str(error)) from None
        return DocsLocation(
            docset.base_url, docset.source, fetched.content, inventory, docset.source, True
        )

    async def _docstrings(self) -> UpdateResult:
        docset = self.docset
        distribution = (
            self.environment.distributions.get(docset.distribution)
            if self.environment is not None
            else None
        )
        if distribution is None:
            why = "its distribution is not installed in this environment (see --python)"
            return UpdateResult(docset.name, "skipped", f"{docset.name}: {why}")
        try:
            sites = sites_of(distribution)
            location = await locate(
                self.fetcher, docset.name, distribution.version, sites, notes=[]
            )
        except NoOfficialDocsError:
            location = None
        if location is not None:
            added = await add_located(
                self.library, self.fetcher, docset.name, location, distribution, self.progress,
                self.started,
            )  # fmt: skip
            return self._updated(added)
        rebuilt = await install_docstrings(
            self.library, distribution, self.environment, docset.source_digest, self.progress,
            self.started,
        )  # fmt: skip
        if rebuilt is None:
            return self._unchanged(f"{distribution.name} {distribution.version} is unchanged")
        return self._updated(rebuilt)


def _archive_base(source: str, version: str) -> str | None:
    """``https://mirror/`` from ``https://mirror/3.13/archives/python-3.13-docs-html.tar.bz2``."""
    marker = f"{version}/archives/"
    head, found, _ = source.partition(marker)
    return head if found else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
