"""Progress reporting: a redrawn bar on a terminal, a few plain lines in logs and CI."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Reports phases and step counts on ``stream`` (stderr), or nothing when ``quiet``."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.interactive = not quiet and self.stream.isatty()
        self._label = ""
        self._total = 0
        self._done = 0
        self._next_line_at = 0.0
        self._last_draw = 0.0

    def note(self, message: str) -> None:
        """A one-line message (a phase starting, something skipped)."""
        if not self.quiet:
            self._clear()
            print(message, file=self.stream, flush=True)

    def start(self, label: str, total: int) -> None:
        """Begin counting ``total`` steps of ``label``."""
        self._label, self._total, self._done = label, total, 0
        self._next_line_at = 0.25
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self._done += steps
        self._draw(force=self._done >= self._total)

    def finish(self) -> None:
        """End the current count (the bar's line is closed)."""
        if self.interactive:
            self._draw(force=True)
            print(file=self.stream, flush=True)
        self._total = 0

    def _clear(self) -> None:
        if self.interactive and self._total:
            print("\r\x1b[K", end="", file=self.stream, flush=True)

    def _draw(self, *, force: bool) -> None:
        if self.quiet or not self._total:
            return
        fraction = min(1.0, self._done / self._total)
        if self.interactive:
            now = time.monotonic()
            if not force and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            width = 30
            filled = int(width * fraction)
            bar = "#" * filled + "-" * (width - filled)
            line = f"\r{self._label} [{bar}] {self._done}/{self._total}"
            print(line, end="", file=self.stream, flush=True)
        elif fraction >= self._next_line_at or self._done == self._total:
            # Non-interactive: one line per quarter, so logs stay short.
            print(f"{self._label}: {self._done}/{self._total}", file=self.stream, flush=True)
            while self._next_line_at <= fraction:
                self._next_line_at += 0.25
