"""A Sphinx HTML build (directory or archive) to a :class:`Docset`.

``objects.inv`` decides what exists; each HTML page is parsed once, in a small process pool
because Markdown conversion dominates the build time.
"""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.inventory import Inventory, InventoryItem, parent_of, parse_inventory
from docs_daemon.builder.keywords import keyword_label, python_keywords, topic_text
from docs_daemon.builder.pages import PageJob, PageResult, Target, extract_page
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.builder.sequence_tables import sequence_table_entries
from docs_daemon.builder.sources import DocFiles, find_shallowest
from docs_daemon.schema import Kind

#: Below this many pages the pool costs more to start than it saves.
_POOL_MIN_PAGES = 16


def build_sphinx_docset(
    files: DocFiles,
    *,
    name: str | None,
    version: str | None,
    base_url: str | None,
    progress: Progress,
) -> Docset:
    """Read the inventory and pages of ``files`` into a docset (see module docstring)."""
    inventory_path = find_shallowest(files, "objects.inv")
    if inventory_path is None:
        raise BuildError(f"{files.label}: no objects.inv found (is this a Sphinx HTML build?)")
    data = files.read(inventory_path)
    if data is None:
        raise BuildError(f"{files.label}: cannot read {inventory_path}")
    inventory = parse_inventory(data, f"{files.label}: {inventory_path}")
    prefix = str(PurePosixPath(inventory_path).parent)
    prefix = "" if prefix == "." else prefix + "/"
    if base_url is None:
        base_url = _default_base_url(files)
    elif base_url and not base_url.endswith("/"):
        base_url += "/"
    docset = Docset(
        name=name or _slug(inventory.project) or "docs",
        version=version if version is not None else inventory.version,
        base_url=base_url,
        source=files.label,
    )
    targets_by_page = plan_targets(inventory, base_url)
    jobs, missing_pages = _page_jobs(files, prefix, base_url, targets_by_page)
    for page in missing_pages:
        docset.warnings.append(f"page {page} is missing: its entries have no text")
    results = _run_jobs(jobs, progress)
    found: dict[str, DocEntry] = {}
    for result in results:
        for entry in result.entries:
            found.setdefault(entry.qualname, entry)
        for qualname in result.missing:
            docset.warnings.append(f"{result.path}: no anchor for {qualname}")
        for failure in result.failed:
            docset.warnings.append(f"{result.path}: text of {failure}")
    for page in missing_pages:
        for target in targets_by_page[page]:
            found.setdefault(target.qualname, _empty_entry(target))
    if inventory.project.lower() == "python":
        for entry in _topic_keywords(inventory, found):
            found[entry.qualname] = entry
    for entry in sequence_table_entries(files, prefix, base_url, found):
        found.setdefault(entry.qualname, entry)
    docset.entries = list(found.values())
    return docset


def _slug(project: str) -> str:
    return "-".join(project.lower().split())


def _default_base_url(files: DocFiles) -> str:
    """Links point at the files themselves when no ``--base-url`` is given for a directory."""
    path = Path(files.label)
    return path.resolve().as_uri() + "/" if path.is_dir() else ""


def plan_targets(inventory: Inventory, base_url: str) -> dict[str, list[Target]]:
    """Group every wanted object (Python objects, then keywords) by the page documenting it."""
    python_objects = inventory.python_objects()
    by_page: dict[str, list[Target]] = defaultdict(list)
    seen: set[str] = set()
    for item, kind in python_objects:
        if item.name in seen:
            continue
        seen.add(item.name)
        by_page[item.page].append(_target(item, item.name, kind, parent_of(item.name), base_url))
    # Only the Python docs' own Language Reference documents the keywords.
    labels = inventory.labels() if inventory.project.lower() == "python" else {}
    for word in python_keywords():
        label = keyword_label(word, labels)
        if label is None or word in seen:
            continue
        seen.add(word)
        by_page[label.page].append(_target(label, word, Kind.KEYWORD, None, base_url))
    return by_page


def _target(
    item: InventoryItem, qualname: str, kind: Kind, parent: str | None, base_url: str
) -> Target:
    anchor = f"#{item.anchor}" if item.anchor else ""
    # Sphinx priority: 0 important, 1 normal, 2 unimportant, -1 hidden from search.
    source_priority = {0: 1, 1: 0, 2: -1, -1: -2}.get(item.priority, 0)
    return Target(
        qualname=qualname,
        name=qualname if kind is Kind.KEYWORD else qualname.rpartition(".")[2],
        kind=kind,
        parent=parent,
        anchor=item.anchor,
        url=urljoin(base_url, item.page) + anchor if base_url else item.page + anchor,
        priority=source_priority,
    )


def _page_jobs(
    files: DocFiles, prefix: str, base_url: str, targets_by_page: dict[str, list[Target]]
) -> tuple[list[PageJob], list[str]]:
    jobs: list[PageJob] = []
    missing: list[str] = []
    for page, targets in targets_by_page.items():
        html = files.read(prefix + page)
        if html is None:
            missing.append(page)
            continue
        page_url = urljoin(base_url, page) if base_url else page
        jobs.append(PageJob(page, html, page_url, tuple(targets)))
    # Largest pages first so the pool's workers finish together.
    jobs.sort(key=lambda job: len(job.html), reverse=True)
    return jobs, missing


def _run_jobs(jobs: list[PageJob], progress: Progress) -> list[PageResult]:
    progress.start("pages", len(jobs))
    results: list[PageResult] = []
    try:
        for result in _extract_all(jobs):
            results.append(result)
            progress.advance()
    finally:
        progress.finish()
    return results


def _extract_all(jobs: list[PageJob]) -> Iterator[PageResult]:
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < _POOL_MIN_PAGES or workers < 2:
        yield from map(extract_page, jobs)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
    try:
        yield from pool.map(extract_page, jobs, chunksize=4)
    finally:
        # On Ctrl-C/SIGTERM drop the queued pages instead of finishing them first.
        pool.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which cancels them and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _empty_entry(target: Target) -> DocEntry:
    return DocEntry(
        qualname=target.qualname,
        name=target.name,
        kind=target.kind,
        parent=target.parent,
        signature="",
        summary="",
        body="",
        url=target.url,
        priority=target.priority,
    )


def _topic_keywords(inventory: Inventory, found: dict[str, DocEntry]) -> Iterable[DocEntry]:
    """Keywords the Python docs' HTML lacks, from ``pydoc_data.topics`` (plain text)."""
    for word in python_keywords():
        existing = found.get(word)
        if existing is not None and existing.body:
            continue
        text = topic_text(word)
        if text is None:
            continue
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        summary = next((p for p in paragraphs if not p.startswith("*")), paragraphs[0])
        yield DocEntry(
            qualname=word,
            name=word,
            kind=Kind.KEYWORD,
            parent=None,
            signature="",
            summary=" ".join(summary.split()),
            body=f"```text\n{text}\n```",
            url=existing.url if existing is not None else "",
            priority=0,
        )
