"""The docs of exactly what the workspace runs: its Python version, and every library it imports.

The server tells this module what it learns — the environment (from the ``python`` setting
and the workspace) and the top-level modules each open document imports — and it makes the
store serve the matching docsets from the user's library:

- a distribution with a docset in the library is loaded (copied into memory) the first time a
  document imports it, never before: memory follows use;
- one without is given a docset of its installed docstrings at once, read statically in the
  background (seconds at most, offline), and then, as the ``downloads`` setting says, its
  official docs are offered ("ask"), fetched ("auto"), or not ("never");
- the standard library's docs follow the environment's Python version when the library has
  them (``python@3.13``); otherwise the bundled 3.11 docs serve, and hovers say so.

It speaks to the editor only through :class:`Editor` (questions, messages, progress), so the
server keeps the protocol details and this module stays testable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from docs_daemon.environment import Distribution, Environment
    from docs_daemon.library import FetchPolicy, Library, ProgressEvent
    from docs_daemon.store import DocStore

log = logging.getLogger(__name__)

#: Answers to "Download the official docs of …?".
DOWNLOAD = "Download"
NOT_NOW = "Not now"
NEVER = "Never for {name}"
#: File in the library directory remembering "Never for …" across sessions.
DECLINED_FILE = "declined.json"
#: Stdlib module names are never looked up as distributions.
_STDLIB = frozenset(sys.stdlib_module_names)


class Editor(Protocol):
    """What this module asks of the editor; the server implements it with LSP messages."""

    async def ask(self, question: str, choices: list[str]) -> str | None:
        """``window/showMessageRequest``; the choice, or None when dismissed or unsupported."""
        ...

    def tell(self, message: str, *, error: bool = False) -> None:
        """One line for the user (``window/showMessage``)."""
        ...

    def progress(self, title: str) -> Progress:
        """``$/progress`` for one operation (a no-op where the client has none)."""
        ...


class Progress(Protocol):
    def report(self, message: str, percentage: int | None = None) -> None: ...

    def end(self, message: str) -> None: ...


@dataclass(slots=True)
class _Wanted:
    """What has been done for one distribution this session."""

    #: The docset file being served, once loaded.
    path: Path | None = None
    #: A build or download running for it.
    task: asyncio.Task[None] | None = None
    #: Official docs were offered (or fetched) already this session.
    offered: bool = False


@dataclass(slots=True)
class WorkspaceDocs:
    """Keeps the store serving the docsets the environment and the open documents need."""

    library: Library
    store: Callable[[], DocStore | None]
    editor: Editor
    policy: FetchPolicy
    #: Where the Python docs archives are (None: docs.python.org).
    python_docs_url: str | None
    #: The bundled standard-library database (Python 3.11), served when nothing better is.
    bundled: Path | None
    downloads: str = "ask"
    environment: Environment | None = None
    _wanted: dict[str, _Wanted] = field(default_factory=dict)
    _stdlib: Path | None = None
    _declined: set[str] | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # -- the environment -----------------------------------------------------------------

    async def use_environment(
        self, setting: str, workspace: Path | None, environ: Mapping[str, str]
    ) -> Environment | None:
        """Find the environment (off the event loop: it may run the interpreter once)."""
        from docs_daemon.environment import EnvironmentNotFound, find_environment

        try:
            environment = await asyncio.to_thread(
                find_environment, setting or None, workspace, dict(environ)
            )
        except EnvironmentNotFound as error:
            self.environment = None
            self.editor.tell(f"docs-daemon: {error}", error=bool(setting))
            return None
        self.environment = environment
        self._wanted.clear()
        log.info("environment: %s", environment.describe())
        for warning in environment.warnings:
            log.warning("%s", warning)
        await self._follow_python_version()
        return environment

    @property
    def python_version(self) -> tuple[int, int] | None:
        return None if self.environment is None else self.environment.version

    async def _follow_python_version(self) -> None:
        """Serve ``python@X.Y`` for the environment's X.Y when the library has it."""
        from docs_daemon.library import python_name

        version = self.python_version
        store = self.store()
        if version is None or store is None:
            return
        label = f"{version[0]}.{version[1]}"
        installed = self.library.get(python_name(label))
        if installed is not None:
            await self._serve_stdlib(installed.path)
        elif label != "3.11":
            self._offer(f"python@{label}", f"Python {label}", self._fetch_python(label))

    async def _serve_stdlib(self, path: Path) -> None:
        from docs_daemon.store import StoreError
        from docs_daemon.store.models import Precedence

        store = self.store()
        if store is None or path == self._stdlib:
            return
        try:
            await store.load(path, precedence=Precedence.STDLIB)
        except StoreError as error:
            self.editor.tell(f"docs-daemon: {error}", error=True)
            return
        previous, self._stdlib = self._stdlib, path
        for stale in (previous, self.bundled):
            if stale is not None and stale != path:
                await store.unload(stale)

    # -- the documents' imports ----------------------------------------------------------

    def imports_seen(self, modules: Iterable[str]) -> None:
        """A document imports these (dotted) modules: serve their distributions' docsets."""
        environment = self.environment
        if environment is None:
            return
        for module in modules:
            top = module.partition(".")[0]
            if not top or top in _STDLIB:
                continue
            distribution = environment.distribution_of(top)
            if distribution is None or distribution.key in self._wanted:
                continue
            wanted = self._wanted[distribution.key] = _Wanted()
            wanted.task = self._spawn(self._provide(distribution, wanted))

    async def _provide(self, distribution: Distribution, wanted: _Wanted) -> None:
        """Load the installed docset, else build the docstrings one; then offer official."""
        installed = self.library.get(distribution.key)
        if installed is None:
            installed_path = await self._build_docstrings(distribution)
            if installed_path is None:
                return
            origin = "docstrings"
        else:
            installed_path, origin = installed.path, installed.origin
        await self._load(installed_path, wanted)
        if origin == "docstrings":
            name = f"{distribution.name} {distribution.version}"
            self._offer(distribution.key, name, self._fetch_official(distribution, wanted))

    async def _load(self, path: Path, wanted: _Wanted) -> None:
        from docs_daemon.store import StoreError

        store = self.store()
        if store is None:
            return
        try:
            await store.load(path)
        except StoreError as error:
            self.editor.tell(f"docs-daemon: {error}", error=True)
            return
        wanted.path = path

    async def _build_docstrings(self, distribution: Distribution) -> Path | None:
        from docs_daemon.library import LibraryError
        from docs_daemon.library.add import add_docstrings

        try:
            result = await add_docstrings(self.library, distribution, self.environment)
        except LibraryError as error:
            log.warning("no docstring docset for %s: %s", distribution.key, error)
            return None
        log.info(
            "docstrings of %s %s: %d entries in %.1f s",
            distribution.key,
            distribution.version,
            result.docset.entries,
            result.seconds,
        )
        return result.docset.path

    # -- official docs: ask, fetch ---------------------------------------------------------

    def _offer(self, key: str, label: str, fetch: Awaitable[None]) -> None:
        """Fetch now, ask first, or not at all, as the ``downloads`` setting says."""
        if self.downloads == "never" or key in self._declined_names():
            _discard(fetch)
            return
        if self.downloads == "auto":
            self._spawn(fetch)
            return
        self._spawn(self._ask_then(key, label, fetch))

    async def _ask_then(self, key: str, label: str, fetch: Awaitable[None]) -> None:
        never = NEVER.format(name=key)
        answer = await self.editor.ask(
            f"Download the official docs of {label}?", [DOWNLOAD, NOT_NOW, never]
        )
        if answer == DOWNLOAD:
            await fetch
            return
        _discard(fetch)
        if answer == never:
            self._decline(key)

    async def _fetch_official(self, distribution: Distribution, wanted: _Wanted) -> None:
        from docs_daemon.library import FetchError, LibraryError, add_distribution

        label = f"{distribution.name} {distribution.version}"
        progress = self.editor.progress(f"Official docs of {label}")
        try:
            result = await add_distribution(
                self.library,
                distribution,
                self.environment,
                policy=self.policy,
                progress=_reporter(progress),
                replace=True,
            )
        except (FetchError, LibraryError) as error:
            progress.end("not downloaded")
            self.editor.tell(
                f"docs-daemon: could not download the official docs of {label}: {error}; "
                "its docstrings keep serving",
                error=True,
            )
            return
        progress.end(f"{result.docset.entries:,} entries")
        await self._reload(result.docset.path, wanted)

    async def _fetch_python(self, version: str) -> None:
        from docs_daemon.library import PYTHON_DOCS_URL, FetchError, LibraryError, add_python_docs

        progress = self.editor.progress(f"Python {version} docs")
        try:
            result = await add_python_docs(
                self.library,
                version,
                base_url=self.python_docs_url or PYTHON_DOCS_URL,
                policy=self.policy,
                progress=_reporter(progress),
            )
        except (FetchError, LibraryError) as error:
            progress.end("not downloaded")
            self.editor.tell(
                f"docs-daemon: could not download the Python {version} docs: {error}; "
                "the bundled Python 3.11 docs keep serving",
                error=True,
            )
            return
        progress.end(f"{result.docset.entries:,} entries")
        await self._serve_stdlib(result.docset.path)

    async def _reload(self, path: Path, wanted: _Wanted) -> None:
        """A rebuilt file replaces the copy being served (or is loaded, if it was not)."""
        store = self.store()
        if store is None:
            return
        if wanted.path == path:
            await store.reload()
        else:
            await self._load(path, wanted)

    # -- "Never for …" ---------------------------------------------------------------------

    def _declined_names(self) -> set[str]:
        if self._declined is None:
            try:
                names = json.loads((self.library.root / DECLINED_FILE).read_text())
                self._declined = {str(name) for name in names} if isinstance(names, list) else set()
            except (OSError, ValueError):
                self._declined = set()
        return self._declined

    def _decline(self, key: str) -> None:
        declined = self._declined_names()
        declined.add(key)
        path = self.library.root / DECLINED_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}")
            temporary.write_text(json.dumps(sorted(declined)))
            temporary.replace(path)
        except OSError as error:
            log.warning("cannot remember declining %s: %s", key, error)

    # -- tasks -----------------------------------------------------------------------------

    def _spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("docset work failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task


def _discard(work: Awaitable[None]) -> None:
    """A coroutine that will not run: close it so Python does not warn it was never awaited."""
    close = getattr(work, "close", None)
    if close is not None:
        close()


def _reporter(progress: Progress) -> Callable[[ProgressEvent], None]:
    def report(event: ProgressEvent) -> None:
        percentage = None
        if event.total:
            percentage = max(0, min(100, int(100 * event.done / event.total)))
        progress.report(event.message, percentage)

    return report
