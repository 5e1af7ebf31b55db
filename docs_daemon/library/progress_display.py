"""Progress events drawn for a person: a rich progress bar on a terminal, a few plain lines in
a pipe or a log (one per stage, then at each quarter), nothing with ``--quiet``."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Self, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from docs_daemon.library.progress import ProgressEvent


class ProgressDisplay:
    """A :data:`ProgressCallback` for the CLI (on stderr); use it as a context manager."""

    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        force_terminal: bool | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self._console = Console(
            file=self.stream, highlight=False, emoji=False, force_terminal=force_terminal
        )
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._stage = ""
        self._message = ""
        self._next_quarter = 0.0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __call__(self, event: ProgressEvent) -> None:
        if self.quiet:
            return
        if event.total is None and event.stage != "download":
            self._line(event.message)
            return
        if self._console.is_terminal:
            self._draw(event)
        else:
            self._log(event)

    def _line(self, message: str) -> None:
        if self._bar is not None:
            self._bar.console.print(message, highlight=False, markup=False)
        else:
            print(message, file=self.stream, flush=True)

    def _draw(self, event: ProgressEvent) -> None:
        if (event.stage, event.message) != (self._stage, self._message) or self._bar is None:
            self.close()
            self._stage, self._message = event.stage, event.message
            amount = DownloadColumn() if event.unit == "bytes" else MofNCompleteColumn()
            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), amount, TimeElapsedColumn(),
                console=self._console, transient=False,
            )  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task(event.message, total=event.total)
        assert self._task is not None
        self._bar.update(self._task, completed=event.done, total=event.total)

    def _log(self, event: ProgressEvent) -> None:
        if (event.stage, event.message) != (self._stage, self._message):
            self._stage, self._message = event.stage, event.message
            self._next_quarter = 0.25
            self._line(event.message)
            return
        if not event.total:
            return
        fraction = event.done / event.total
        if fraction >= self._next_quarter:
            amount = _amount(event)
            self._line(f"{event.stage}: {amount}")
            while self._next_quarter <= fraction:
                self._next_quarter += 0.25


def _amount(event: ProgressEvent) -> str:
    if event.unit == "bytes":
        from rich.filesize import decimal

        return f"{decimal(event.done)} of {decimal(event.total or 0)}"
    return f"{event.done}/{event.total} {event.unit}".rstrip()
