"""Deterministic, stratified sampling of hover positions.

Files are taken in a seeded order that alternates between the six packages (so the largest
does not dominate); from each file at most ``per_file`` positions of each shape are asked of
the oracle, in a seeded order. A position is kept while its shape still has room: up to
``stdlib`` whose target is in the standard library (documented or not) and up to ``other``
for every other verdict. Documented targets are rare in some shapes (``self.x.member``), so
each file also offers up to ``docs_per_file`` more positions whose name is a documented name
(the last part of any entry's qualified name: no documented target has another name); those
are kept only when their target is documented, so every other figure (the hedge rate among
them) comes from the unfiltered positions alone. The oracle never sees the server's answers, so the
same pins, seed and quotas give the same positions before and after any server change.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from realcode.corpus import package_of
from realcode.sites import SHAPES, Site

SEED = 20240611
#: Files asked of the oracle at once (fixed: the positions asked depend on it).
BATCH_FILES = 8


@dataclass(frozen=True, slots=True)
class Quotas:
    stdlib: int
    other: int
    per_file: int
    docs_per_file: int
    max_files: int


FULL = Quotas(stdlib=300, other=150, per_file=10, docs_per_file=6, max_files=150)
QUICK = Quotas(stdlib=30, other=12, per_file=4, docs_per_file=4, max_files=24)


def file_order(files: Sequence[str]) -> list[str]:
    """A seeded shuffle per package, interleaved round-robin across packages."""
    rng = random.Random(SEED)
    by_package: dict[str, list[str]] = defaultdict(list)
    for path in sorted(files):
        by_package[package_of(path)].append(path)
    queues = []
    for package in sorted(by_package):
        paths = by_package[package]
        rng.shuffle(paths)
        queues.append(paths)
    ordered: list[str] = []
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def candidates(
    path: str, sites: Sequence[Site], quotas: Quotas, docs_name: Callable[[Site], bool]
) -> tuple[list[Site], list[Site]]:
    """Up to ``per_file`` positions of each shape from one file, in a seeded order, and up
    to ``docs_per_file`` more whose name is documented."""
    rng = random.Random(f"{SEED}:{path}")
    chosen: list[Site] = []
    extra: list[Site] = []
    for shape in SHAPES:
        of_shape = [site for site in sites if site.shape == shape]
        rng.shuffle(of_shape)
        chosen += of_shape[: quotas.per_file]
        rest = [site for site in of_shape[quotas.per_file :] if docs_name(site)]
        extra += rest[: quotas.docs_per_file]
    return chosen, extra


def select(
    order: Sequence[str],
    sites_of: Callable[[str], Sequence[Site]],
    quotas: Quotas,
    ask: Callable[[list[tuple[str, list[Site]]]], None],
    kind_of: Callable[[Site], str],
    docs_name: Callable[[Site], bool],
) -> list[Site]:
    """Walk files in ``order`` in fixed batches: ``ask`` the oracle about a batch, then keep
    positions in order while their shape and kind have room. ``kind_of`` says ``documented``,
    ``stdlib`` (without docs) or ``other``."""
    room = {(shape, stdlib): 0 for shape in SHAPES for stdlib in (True, False)}
    limit = {True: quotas.stdlib, False: quotas.other}
    kept: list[Site] = []
    files = list(order[: quotas.max_files])
    for start in range(0, len(files), BATCH_FILES):
        if all(room[key] >= limit[key[1]] for key in room):
            break
        open_shapes = {s for s in SHAPES if any(room[(s, k)] < limit[k] for k in (True, False))}
        batch = []
        for path in files[start : start + BATCH_FILES]:
            chosen, extra = candidates(path, sites_of(path), quotas, docs_name)
            plain = [site for site in chosen if site.shape in open_shapes]
            filtered = [site for site in extra if room[(site.shape, True)] < quotas.stdlib]
            if plain or filtered:
                batch.append((path, plain, filtered))
        ask([(path, plain + filtered) for path, plain, filtered in batch])
        for _, plain, filtered in batch:
            for site in plain:
                key = (site.shape, kind_of(site) != "other")
                if room[key] < limit[key[1]]:
                    room[key] += 1
                    kept.append(site)
            for site in filtered:
                key = (site.shape, True)
                if kind_of(site) == "documented" and room[key] < quotas.stdlib:
                    room[key] += 1
                    kept.append(site)
    return kept
