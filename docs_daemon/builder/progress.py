"""Progress reporting: rich's live bar on a terminal, a few plain lines in logs and CI."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar


class Progress:
    """Reports phases and step counts on ``stream`` (stderr), or nothing when ``quiet``."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.console = Console(file=self.stream, highlight=False)
        #: A terminal that can redraw a line (not a pipe, a log file or ``TERM=dumb``).
        self.interactive = not quiet and self.console.is_interactive
        self._bar: Bar | None = None
        self._label = ""
        self._total = 0
        self._done = 0
        self._next_line_at = 0.0

    def note(self, message: str) -> None:
        """A one-line message (a phase starting, something skipped)."""
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.console.print(message, markup=False)  # above the bar, which stays
        else:
            print(message, file=self.stream, flush=True)

    def start(self, label: str, total: int) -> None:
        """Begin counting ``total`` steps of ``label``."""
        self._label, self._total, self._done = label, total, 0
        self._next_line_at = 0.25
        if self.interactive and total:
            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
            )
            self._bar.add_task(label, total=total)
            self._bar.start()

    def advance(self, steps: int = 1) -> None:
        self._done += steps
        if self._bar is not None:
            self._bar.advance(self._bar.task_ids[0], steps)
        elif not self.quiet and self._total:
            self._line()

    def finish(self) -> None:
        """End the current count (the bar's last state stays on screen)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        self._total = 0

    def _line(self) -> None:
        """Not a terminal: one line per quarter, so logs stay short."""
        fraction = min(1.0, self._done / self._total)
        if fraction >= self._next_line_at or self._done == self._total:
            print(f"{self._label}: {self._done}/{self._total}", file=self.stream, flush=True)
            while self._next_line_at <= fraction:
                self._next_line_at += 0.25
