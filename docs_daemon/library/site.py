"""The pages of a docs site that its ``objects.inv`` points at, fetched into memory.

Only pages documenting Python objects are fetched, a few at a time. Page paths come from an
untrusted inventory: one that is absolute, carries a scheme or host, or climbs out of the docs
root (``../``, also percent-encoded, once or more) is never requested. A page that fails is
left out with a note; when many fail the site is treated as down and nothing is built.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from docs_daemon.builder.sources import MemoryFiles
from docs_daemon.library.errors import FetchError, LibraryError
from docs_daemon.library.fetcher import ByteBudget, Fetcher
from docs_daemon.library.locate import DocsLocation
from docs_daemon.library.progress import ProgressCallback, ProgressEvent

#: Content types accepted as pages (some servers call HTML plain text).
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
#: The site counts as down when more than this share of the pages fail (and at least 3).
_FAILURE_SHARE = 0.25


@dataclass(slots=True)
class SitePages:
    """The fetched inventory and pages, ready for the Sphinx builder, with what it cost."""

    files: MemoryFiles
    pages: int = 0
    bytes: int = 0
    #: One line per page left out (unsafe path, 404, not HTML ...).
    skipped: list[str] = field(default_factory=list)


def safe_page(page: str) -> str | None:
    """The page's key inside the docset when it stays under the docs root, else ``None``."""
    if "\\" in page or "\x00" in page:
        return None
    parts = urlsplit(page)
    if parts.scheme or parts.netloc or parts.query:
        return None
    decoded = PurePosixPath(_fully_unquoted(parts.path))
    if decoded.is_absolute() or ".." in decoded.parts or "\\" in str(decoded):
        return None
    return PurePosixPath(parts.path).as_posix()


def _fully_unquoted(path: str) -> str:
    """Percent-decoded until nothing changes: some servers decode twice (``%252e``)."""
    for _ in range(4):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    return path


async def fetch_pages(
    fetcher: Fetcher, location: DocsLocation, name: str, progress: ProgressCallback
) -> SitePages:
    """Fetch every page the inventory's Python objects live on (see module docstring)."""
    wanted: dict[str, str] = {}
    skipped: list[str] = []
    for item, _kind in location.inventory.python_objects():
        if item.page in wanted:
            continue
        key = safe_page(item.page)
        if key is None:
            if f"unsafe page path {item.page!r}" not in skipped:
                skipped.append(f"unsafe page path {item.page!r}: not fetched")
            continue
        wanted[item.page] = key
    files: dict[str, bytes] = {"objects.inv": location.inventory_bytes}
    fetched_bytes = 0
    budget = ByteBudget(fetcher.policy.docset_bytes, name)
    budget.take(len(location.inventory_bytes))
    total = len(wanted)
    message = f"fetching {total} pages of {name} from {location.root}"
    progress(ProgressEvent(name, "pages", message, 0, total, "pages"))
    limit = asyncio.Semaphore(fetcher.policy.connections)
    failures: list[FetchError] = []
    done = 0

    async def fetch_one(page: str, key: str) -> None:
        nonlocal done, fetched_bytes
        async with limit:
            try:
                fetched = await fetcher.get(urljoin(location.root, page), budget=budget)
            except FetchError as error:
                failures.append(error)
                skipped.append(str(error))
                if len(failures) > max(3, total * _FAILURE_SHARE):
                    raise LibraryError(
                        f"{name}: {len(failures)} of {total} pages could not be fetched "
                        f"({failures[0]})"
                    ) from None
            else:
                content_type = fetched.content_type.split(";")[0].strip().lower()
                if content_type in _PAGE_TYPES:
                    files[key] = fetched.content
                    fetched_bytes += len(fetched.content)
                else:
                    skipped.append(f"{fetched.url}: not an HTML page ({content_type})")
        done += 1
        progress(ProgressEvent(name, "pages", message, done, total, "pages"))

    try:
        async with asyncio.TaskGroup() as group:
            for page, key in wanted.items():
                group.create_task(fetch_one(page, key))
    except* LibraryError as stopped:  # the site is down, or the docset's byte budget is spent
        raise stopped.exceptions[0] from None
    pages = MemoryFiles(location.inventory_url, files)
    return SitePages(pages, len(files) - 1, fetched_bytes, skipped)
