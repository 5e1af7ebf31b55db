"""The oracle: jedi's ``goto(follow_imports=True)`` on each position, with the scratch venv as
jedi's environment and project, so third-party and same-package targets are seen as such.

It runs in worker processes (one jedi ``Script`` per file, so a file's imports are inferred
once), never sees the server's answers, and its raw answers are cached by position.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import jedi

#: Seconds one ``goto`` may take before the position counts as undecided.
GOTO_SECONDS = 4

TIMEOUT = "timeout"

#: One definition as jedi gave it: full name, type, module name, module path.
Raw = list[dict[str, Any]]

_ENVIRONMENT: dict[str, Any] = {}


class _Timeout(BaseException):  # jedi catches Exception in places: this must get through
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def _quiet_timeouts(unraisable: Any) -> None:
    """A timeout that lands in a finalizer is dropped there; the timer fires again."""
    if not isinstance(unraisable.exc_value, _Timeout):
        sys.__unraisablehook__(unraisable)


def _script(venv: str, root: str, path: str) -> jedi.Script:
    if "env" not in _ENVIRONMENT:
        # jedi's on-disk parse cache is written in place: two processes (or one killed) can
        # leave a truncated file that fails every later run. Each worker gets its own.
        jedi.settings.cache_directory = str(Path(_ENVIRONMENT["cache_root"]) / str(os.getpid()))
        _ENVIRONMENT["env"] = jedi.create_environment(venv, safe=False)
        _ENVIRONMENT["project"] = jedi.Project(root, environment_path=venv)
    full = Path(root) / path
    return jedi.Script(
        full.read_text(encoding="utf-8"),
        path=full,
        project=_ENVIRONMENT["project"],
        environment=_ENVIRONMENT["env"],
    )


def goto_file(
    venv: str, root: str, cache_root: str, path: str, positions: list[tuple[int, int]]
) -> list[Raw]:
    """jedi's definitions for each (0-based line, character) of one file."""
    _ENVIRONMENT.setdefault("cache_root", cache_root)
    signal.signal(signal.SIGALRM, _alarm)
    sys.unraisablehook = _quiet_timeouts
    script = _script(venv, root, path)
    answers: list[Raw] = []
    for line, column in positions:
        answer: Raw
        signal.setitimer(signal.ITIMER_REAL, GOTO_SECONDS, 0.5)  # repeats until cleared
        try:
            answer = [
                {
                    "full_name": name.full_name,
                    "type": name.type,
                    "module": name.module_name,
                    "path": str(name.module_path) if name.module_path else None,
                }
                for name in script.goto(line + 1, column, follow_imports=True)
            ]
        except _Timeout:
            answer = [{"error": TIMEOUT}]
        except Exception as error:  # jedi's own bugs: the position is undecided
            answer = [{"error": f"{type(error).__name__}: {error}"[:200]}]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        answers.append(answer)
        if answer and "error" in answer[0]:
            # The failed call may have left caches half-filled and the pipe to the
            # environment's subprocess mid-message: start both afresh.
            for key in ("env", "project"):
                _ENVIRONMENT.pop(key, None)
            script = _script(venv, root, path)
    return answers


@dataclass
class Oracle:
    """Raw answers by position key, computed on demand in worker processes, cached on disk."""

    venv: Path
    root: Path
    cache_file: Path
    workers: int = 2

    def __post_init__(self) -> None:
        self.answers: dict[str, Raw] = {}
        if self.cache_file.exists():
            cached: dict[str, Raw] = json.loads(self.cache_file.read_text())
            # Failures other than a timeout may be passing (a crashed subprocess): ask again.
            self.answers = {
                key: raw
                for key, raw in cached.items()
                if not any(d.get("error") not in (None, TIMEOUT) for d in raw)
            }

    def ask(self, requests: Iterable[tuple[str, list[tuple[str, int, int]]]]) -> None:
        """Fill answers for ``(path, [(key, line, column)])``; known keys are skipped."""
        todo = []
        for path, positions in requests:
            missing = [p for p in positions if p[0] not in self.answers]
            if missing:
                todo.append((path, missing))
        if not todo:
            return
        cache_root = tempfile.mkdtemp(prefix="docs-daemon-oracle-")
        with ProcessPoolExecutor(self.workers) as pool:
            futures = [
                (
                    positions,
                    pool.submit(
                        goto_file,
                        str(self.venv),
                        str(self.root),
                        cache_root,
                        path,
                        [(line, column) for _, line, column in positions],
                    ),
                )
                for path, positions in todo
            ]
            for positions, future in futures:
                for (key, _, _), answer in zip(positions, future.result(), strict=True):
                    self.answers[key] = answer
        shutil.rmtree(cache_root, ignore_errors=True)
        self.save()

    def save(self) -> None:
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.answers, sort_keys=True))
        temporary.replace(self.cache_file)
