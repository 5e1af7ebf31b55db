"""Finding a distribution's official documentation: which site, which version, which inventory.

Sites come, in order, from ``--from``, the distribution's metadata (``Project-URL:
Documentation``, a docs-like home page) and the intersphinx registry. On each site the
version of the installed release is tried first (``2.2.2``, ``v2.2.2``, ``2.2.x``, ``2.2``),
then ``stable`` and ``latest``: a site's URL with a version directory in it (``/en/stable/``,
``/doc/2.1/``) or the one its front page redirects to gives the pattern. A candidate counts
only when it serves a real Sphinx ``objects.inv`` listing Python objects, so HTML that is not
Sphinx, soft-404 pages and wrong guesses all fall through to the next candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.inventory import Inventory, parse_inventory
from docs_daemon.environment import Distribution
from docs_daemon.library.errors import FetchError, NoOfficialDocsError
from docs_daemon.library.fetcher import Fetcher, FetchPolicy
from docs_daemon.library.registry import registered_site

#: A path segment naming a docs version: ``stable``, ``3.1.x``, ``v2.0.1``, ``5.2``.
_VERSION_SEGMENT = re.compile(
    r"^(?:v?\d+(?:\.\d+)*(?:\.x)?|stable|latest|dev|devel|main|master)$", re.IGNORECASE
)
_RELEASE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?")
#: Most inventory requests one distribution may cost before giving up.
MAX_PROBES = 16
#: Hosts whose home pages are documentation sites.
_DOCS_HOSTS = (".readthedocs.io", ".readthedocs.org", ".rtfd.io")


@dataclass(frozen=True, slots=True)
class Site:
    """A place documentation may be published, and who said so."""

    url: str
    #: Where the inventory is, relative to a version root (Django: ``_objects/``).
    inventory: str
    via: str
    #: Use ``url`` as the root itself, trying no other versions (``--from URL``).
    exact: bool = False


def explicit_site(url: str) -> Site:
    """The site of ``--from URL``: a docs root, or the URL of its ``objects.inv``."""
    root, _, last = url.rpartition("/")
    if last.endswith(".inv"):
        return Site(root + "/", last, "--from", exact=True)
    return Site(_directory(url), "objects.inv", "--from", exact=True)


@dataclass(frozen=True, slots=True)
class DocsLocation:
    """A versioned docs root with its parsed inventory (all URLs public, not mirrored)."""

    root: str
    inventory_url: str
    inventory_bytes: bytes
    inventory: Inventory
    via: str
    #: The root is the installed release's own version (not ``stable``/``latest``).
    matches_release: bool


def release_labels(release: str) -> list[str]:
    """How docs sites name the directory of ``release``: ``2.2.2``, ``v2.2.2``, ``2.2.x``,
    ``2.2``."""
    match = _RELEASE.match(release)
    if match is None:
        return [release] if release else []
    major, minor, micro = match.groups()
    labels = [f"{major}.{minor}.{micro}", f"v{major}.{minor}.{micro}"] if micro else []
    labels += [f"{major}.{minor}.x", f"{major}.{minor}"]
    return labels


def sites_of(distribution: Distribution) -> list[Site]:
    """Candidate sites from the metadata, then the registry (duplicates dropped)."""
    sites: list[Site] = []
    registered = registered_site([distribution.key, distribution.name, *distribution.top_level])
    inventory = "objects.inv"
    documentation = distribution.documentation_url
    if documentation:
        if registered is not None and _same_host(documentation, registered.root):
            inventory = registered.inventory
        sites.append(Site(_directory(documentation), inventory, "its metadata (Documentation)"))
    homepage = distribution.homepage_url
    if homepage and _looks_like_docs(homepage):
        sites.append(Site(_directory(homepage), "objects.inv", "its metadata (Homepage)"))
    if registered is not None:
        sites.append(Site(registered.root, registered.inventory, "the intersphinx registry"))
    unique: list[Site] = []
    for site in sites:
        if all(site.url != seen.url for seen in unique):
            unique.append(site)
    return unique


async def locate(
    fetcher: Fetcher,
    name: str,
    release: str,
    sites: list[Site],
    *,
    notes: list[str],
) -> DocsLocation:
    """The first candidate root of ``sites`` serving a Python ``objects.inv``.

    Raises :class:`NoOfficialDocsError` naming what was tried; ``notes`` collects why each
    candidate failed (for the ``--verbose`` reader and the tests).
    """
    if not sites:
        raise NoOfficialDocsError(
            f"{name}: no documentation site in its metadata or the intersphinx registry"
        )
    probes = 0
    answered = False  # some server answered something
    problem = ""  # the last failure that was not a plain 404
    labels = release_labels(release)
    for site in sites:
        try:
            roots = await _candidate_roots(fetcher, site, labels)
            answered = True
        except FetchError as error:
            notes.append(str(error))
            answered = answered or error.status is not None
            problem = str(error) if error.status != 404 else problem
            if error.status is None:
                continue  # the host itself failed: its other roots would too
            roots = [(site.url, False)]
        for root, matches in roots:
            if probes >= MAX_PROBES:
                break
            probes += 1
            url = urljoin(root, site.inventory)
            try:
                fetched = await fetcher.get(url)
                answered = True
                inventory = parse_inventory(fetched.content, url)
            except FetchError as error:
                notes.append(str(error))
                answered = answered or error.status is not None
                if error.status != 404:
                    problem = str(error)
                if error.status is None:
                    break
                continue
            except BuildError as error:
                notes.append(problem := str(error))
                continue
            if not inventory.python_objects():
                notes.append(problem := f"{url} lists no Python objects")
                continue
            return DocsLocation(root, url, fetched.content, inventory, site.via, matches)
    if not answered and problem:
        raise NoOfficialDocsError(f"{name}: documentation unreachable: {problem}")
    tried = ", ".join(site.url for site in sites)
    last = f"; last problem: {problem}" if problem else ""
    raise NoOfficialDocsError(
        f"{name}: no Sphinx objects.inv with Python objects at {tried} "
        f"({probes} place{'' if probes == 1 else 's'} tried{last})"
    )


async def find_official_docs(
    distribution: Distribution,
    *,
    policy: FetchPolicy | None = None,
    client: httpx.AsyncClient | None = None,
) -> DocsLocation:
    """Where ``distribution``'s official docs are, fetching only inventories (for a prompt
    such as "Download the official docs of numpy 2.3?"); pass the result to ``add``."""
    async with Fetcher(policy, client=client) as fetcher:
        return await locate(
            fetcher, distribution.key, distribution.version, sites_of(distribution), notes=[]
        )


async def _candidate_roots(
    fetcher: Fetcher, site: Site, labels: list[str]
) -> list[tuple[str, bool]]:
    """Version roots to try on ``site``, best first, each flagged when it is the release's."""
    if site.exact:
        return [(site.url, False)]
    template = _version_template(site.url)
    if template is None:
        # The front page often redirects to the current version: that names the pattern.
        front = await fetcher.get(site.url)
        template = _version_template(front.final_url)
        if template is None:
            root = _directory(front.final_url)
            return [(root, False), *((f"{root}{label}/", True) for label in labels)]
    prefix, current = template
    roots = [(f"{prefix}{label}/", True) for label in labels]
    roots += [(f"{prefix}{label}/", False) for label in ("stable", "latest", current)]
    unique: list[tuple[str, bool]] = []
    for root, matches in roots:
        if all(root != seen for seen, _ in unique):
            unique.append((root, matches))
    return unique


def _version_template(url: str) -> tuple[str, str] | None:
    """``(prefix, segment)`` when the URL's path has a version directory: the last one."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index in range(len(segments) - 1, -1, -1):
        if _VERSION_SEGMENT.match(segments[index]):
            prefix_path = "/".join(segments[:index]) + "/"
            prefix = urlunsplit((parts.scheme, parts.netloc, prefix_path, "", ""))
            return prefix, segments[index]
    return None


def _directory(url: str) -> str:
    """``url`` as a directory: ``…/index.html`` -> ``…/``, ``…/docs`` -> ``…/docs/``."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path[: -len(last)] if "." in last else path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _same_host(a: str, b: str) -> bool:
    return urlsplit(a).netloc.lower() == urlsplit(b).netloc.lower()


def _looks_like_docs(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host.endswith(_DOCS_HOSTS) or host.startswith("docs.") or "/doc" in parts.path
