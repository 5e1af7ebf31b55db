"""Memory of a server's whole process tree, read from /proc (Linux) without extra packages."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

PROC = Path("/proc")


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process visible now."""
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ")".
        fields = stat.rsplit(")", 1)[-1].split()
        with contextlib.suppress(IndexError, ValueError):
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants that are alive."""
    tree = children_map()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def tree_rss(root: int) -> int:
    """Resident memory of the tree now, in bytes."""
    return sum(_status_kib(pid, "VmRSS") for pid in tree_pids(root)) * 1024


def tree_peak(root: int) -> int:
    """Sum of each live process's own high-water mark, in bytes (exact for one process, an
    upper bound for several whose peaks did not coincide)."""
    return sum(_status_kib(pid, "VmHWM") for pid in tree_pids(root)) * 1024


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class RssSampler:
    """Samples the tree's RSS every ``interval`` seconds while a workload runs."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        self.root = root
        self.interval = interval
        self.samples: list[int] = []
        self._peak_hwm = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.samples.append(tree_rss(self.root))
            self._peak_hwm = max(self._peak_hwm, tree_peak(self.root))
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.samples.append(tree_rss(self.root))
        self._peak_hwm = max(self._peak_hwm, tree_peak(self.root))

    @property
    def peak(self) -> int:
        """The larger of the sampled tree RSS and the processes' own high-water marks."""
        return max([self._peak_hwm, *self.samples])
