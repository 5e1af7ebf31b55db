"""The language server: lifecycle, settings, store wiring; each feature lives in ``features/``."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import os
import sys
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from docs_daemon import __version__
from docs_daemon.bundled import bundled_database_path
from docs_daemon.documents import detached_context, negotiated
from docs_daemon.features import completion, hover, open_in_browser, signature_help
from docs_daemon.features import workspace_symbol as symbols
from docs_daemon.features.documents import BIG_DOCUMENT, DocumentReader
from docs_daemon.features.resolution import source_of_snapshot
from docs_daemon.inference import InferenceClient
from docs_daemon.lsp_editor import LspEditor
from docs_daemon.pages import PageCache, default_cache_dir
from docs_daemon.protocol import DocsProtocol, report_bad_frame
from docs_daemon.python_source import parse_imports
from docs_daemon.settings import Settings, parse_settings
from docs_daemon.stdio import serve_stdio
from docs_daemon.store import StoreError, StoreEvent

if TYPE_CHECKING:
    from docs_daemon.documents import Snapshot
    from docs_daemon.store import DocStore
    from docs_daemon.workspace_docs import WorkspaceDocs

log = logging.getLogger("docs_daemon")

STATUS_METHOD = "docsDaemon/status"
#: How often loaded database files are checked for a rebuild.
WATCH_SECONDS = 1.0
#: Seconds a document must stay unchanged before its imports are looked at.
IMPORT_CHECK_DELAY = 0.3
#: A client that never answers ``window/showDocument`` must not hang the command.
SHOW_DOCUMENT_TIMEOUT = 5.0
#: How often the server checks that the client process named in ``initialize`` is alive.
PARENT_CHECK_SECONDS = 0.5

T = TypeVar("T")


def _log_failure(task: asyncio.Future[Any]) -> None:
    """A background task's exception, logged with its traceback when it happens (asyncio
    would mention it only when the task is garbage-collected, if ever)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background task failed: %r", error, exc_info=error)


@dataclass(frozen=True, slots=True)
class LibraryOptions:
    """Command-line options for the docset library (``serve --data-dir/--python-docs-url/
    --mirror``)."""

    data_dir: Path | None = None
    python_docs_url: str | None = None
    mirrors: tuple[tuple[str, str], ...] = ()


def _mirrors(rules: list[str]) -> list[tuple[str, str]]:
    mirrors = []
    for rule in rules:
        public, equals, mirror = rule.partition("=")
        if not equals or not public or not mirror:
            raise SystemExit(
                f"docs-daemon serve: error: --mirror {rule!r}: give it as PUBLIC=MIRROR"
            )
        mirrors.append((public, mirror))
    return mirrors


def _workspace_docs(server: DocsServer, options: LibraryOptions) -> WorkspaceDocs:
    """Made after ``initialize`` is answered: the library reads SQLite files through the
    schema (SQLAlchemy) and fetches with httpx, both too slow to import before it."""
    from docs_daemon.library.catalog import Library
    from docs_daemon.library.fetcher import FetchPolicy
    from docs_daemon.workspace_docs import WorkspaceDocs

    return WorkspaceDocs(
        library=Library(options.data_dir),
        store=lambda: server.store,
        editor=LspEditor(server),
        policy=FetchPolicy(mirrors=options.mirrors),
        python_docs_url=options.python_docs_url,
        bundled=None,
    )


class StoreUnavailableError(Exception):
    """The documentation could not be loaded; features answer ``null`` instead of failing."""


class DocsServer(LanguageServer):
    """The pygls server plus what every feature needs: settings, the store, documents, pages."""

    protocol: DocsProtocol

    def __init__(
        self,
        cli_databases: list[Path],
        use_bundled: bool,
        cache_dir: Path,
        library: LibraryOptions | None = None,
    ) -> None:
        super().__init__("docs-daemon", __version__, protocol_cls=DocsProtocol)
        self.cli_databases = cli_databases
        self.cli_bundled = use_bundled
        self.settings = Settings()
        self.documents = self.protocol.documents
        self.reader = DocumentReader(self.documents)
        self.inference = InferenceClient()
        self.pages = PageCache(cache_dir)
        self.library_options = library or LibraryOptions()
        #: Made at ``initialized`` (see ``_workspace_docs``).
        self.workspace_docs: WorkspaceDocs | None = None
        self.documents.listeners.append(self._document_changed)
        self._import_checks: dict[str, asyncio.TimerHandle] = {}
        self.store: DocStore | None = None
        #: Messages raised before ``initialized`` (e.g. bad settings) are shown after it.
        self._pending_messages: list[tuple[types.MessageType, str]] = []
        self._client_ready = False
        self._page_problem_told = False
        self._watch: asyncio.Future[None] | None = None
        self.initialize_seen = False
        self._background: set[asyncio.Task[Any]] = set()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log protocol garbage instead of popping up a message per bad frame in the editor."""
        log.warning("%s: %s", getattr(source, "__name__", source), error)
        report_bad_frame(self.protocol, error)

    # -- store lifecycle -------------------------------------------------------------------

    def database_paths(self) -> list[Path]:
        """Configured databases in precedence order: settings, then ``--db``."""
        return [*self.settings.databases, *self.cli_databases]

    def bundled_path(self) -> Path | None:
        """The bundled standard-library docs, unless turned off."""
        if not (self.settings.bundled and self.cli_bundled):
            return None
        try:
            return bundled_database_path()
        except FileNotFoundError as error:
            self.tell(types.MessageType.Error, str(error))
            return None

    def start_store(self) -> None:
        """Begin loading in the background; ``initialize`` is answered without waiting."""
        from docs_daemon.store import DocStore  # SQLAlchemy: imported after ``initialize``

        bundled = self.bundled_path()
        if self.workspace_docs is not None:
            self.workspace_docs.bundled = bundled
        store = DocStore(self.database_paths(), stdlib=[bundled] if bundled else [])
        store.use_docsets(self.settings.docsets or None)
        store.add_listener(self._on_store_event)
        previous, self.store = self.store, store
        self.spawn(self._load(store, previous))

    async def _load(self, store: DocStore, previous: DocStore | None) -> None:
        await store.start()
        try:
            await store.wait_ready()
        except StoreError as error:
            self.stop_watching()  # the previous store is released below
            self.tell(types.MessageType.Error, f"docs-daemon: {error}")
        else:
            # Rebuilt database files are picked up while serving (hot reload).
            self.stop_watching()
            self._watch = asyncio.ensure_future(store.watch(WATCH_SECONDS))
        if previous is not None:
            await previous.close()
        await self.send_status()

    async def close(self) -> None:
        """Stop watching and release the store (idempotent: shutdown, EOF and exit all call it)."""
        self.stop_watching()
        closing = [self.inference.close()]
        if self.workspace_docs is not None:
            closing.append(self.workspace_docs.close())
        if self.store is not None:
            closing.append(self.store.close())
        await asyncio.gather(*closing)

    def stop_watching(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    async def ready_store(self) -> DocStore:
        if self.store is None and self.initialize_seen:
            self.start_store()  # a client that never sent ``initialized``
        store = self.store
        if store is None:
            raise StoreUnavailableError("the server is not initialized")
        try:
            await store.wait_ready()
        except StoreError as error:
            raise StoreUnavailableError(str(error)) from error
        return store

    def _on_store_event(self, event: StoreEvent) -> None:
        if event.kind in ("reload_failed", "load_failed"):
            self.tell(types.MessageType.Warning, f"docs-daemon: {event.message}")
        self.spawn(self.send_status())

    async def status(self) -> dict[str, Any]:
        store = self.store
        if store is None:
            return {"state": "loading", "docsets": [], "error": None}
        docsets = []
        if store.state == "ready":
            docsets = [
                {
                    "name": d.name,
                    "version": d.version,
                    "entryCount": d.entry_count,
                    "database": d.database,
                }
                for d in await store.docsets()
            ]
        state = "loading" if store.state in ("idle", "loading") else store.state
        environment = None if self.workspace_docs is None else self.workspace_docs.environment
        return {
            "state": state,
            "docsets": docsets,
            "error": store.error,
            "environment": None if environment is None else environment.describe(),
        }

    async def send_status(self) -> None:
        self.protocol.notify(STATUS_METHOD, await self.status())

    def workspace_root(self) -> Path | None:
        """The first workspace folder (or the root the client named), if it is a directory."""
        try:
            folders = list(self.workspace.folders.values())
            root = folders[0].uri if folders else self.workspace.root_uri
        except RuntimeError:  # no workspace before ``initialize``
            return None
        if not root or not root.startswith("file:"):
            return None
        path = Path(unquote(urlparse(root).path))
        return path if path.is_dir() else None

    async def use_environment(self) -> None:
        """Find the workspace's environment; point inference and the docsets at it."""
        if self.workspace_docs is None:
            self.workspace_docs = _workspace_docs(self, self.library_options)
            self.workspace_docs.downloads = self.settings.downloads
            self.workspace_docs.bundled = self.bundled_path()
        root = self.workspace_root()
        environment = await self.workspace_docs.use_environment(
            self.settings.python, root, os.environ
        )
        paths = [] if environment is None else [str(p) for p in environment.site_packages]
        self.inference.configure(None if root is None else str(root), paths)
        for snapshot in self.documents.latest():
            self._document_changed(snapshot)
        await self.send_status()

    def _document_changed(self, snapshot: Snapshot) -> None:
        """A document's new version: look at its imports once typing pauses."""
        uri = snapshot.uri
        pending = self._import_checks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._import_checks[uri] = loop.call_later(
            IMPORT_CHECK_DELAY, lambda: self.spawn(self._check_imports(uri))
        )

    async def _check_imports(self, uri: str) -> None:
        self._import_checks.pop(uri, None)
        snapshot = next((s for s in self.documents.latest() if s.uri == uri), None)
        if snapshot is None:
            return
        self.inference.prepare(source_of_snapshot(snapshot))
        docs = self.workspace_docs
        if docs is None or docs.environment is None:
            return
        if snapshot.length >= BIG_DOCUMENT:
            imports = await asyncio.to_thread(snapshot.derive, parse_imports)
        else:
            imports = snapshot.derive(parse_imports)
        docs.imports_seen(imports.modules)

    # -- messages and tasks ----------------------------------------------------------------

    def tell(self, kind: types.MessageType, message: str) -> None:
        """Show a message to the user, queued until the client is ready to receive it."""
        log.log(logging.ERROR if kind == types.MessageType.Error else logging.WARNING, message)
        if not self._client_ready:
            self._pending_messages.append((kind, message))
            return
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def flush_messages(self) -> None:
        self._client_ready = True
        for kind, message in self._pending_messages:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self._pending_messages.clear()

    @property
    def python_version(self) -> tuple[int, int] | None:
        return None if self.workspace_docs is None else self.workspace_docs.python_version

    @property
    def lazy_symbol_locations(self) -> bool:
        workspace = self.client_capabilities.workspace
        symbol = workspace.symbol if workspace else None
        support = symbol.resolve_support if symbol else None
        return support is not None and "location.range" in support.properties

    def inform(self, message: str) -> None:
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Info, message=message)
        )

    async def show_document(self, url: str) -> None:
        window = self.client_capabilities.window
        if window is None or window.show_document is None or not window.show_document.support:
            return
        try:
            await asyncio.wait_for(
                self.window_show_document_async(types.ShowDocumentParams(uri=url, external=True)),
                timeout=SHOW_DOCUMENT_TIMEOUT,
            )
        except Exception as error:  # timed out or refused: the command still returns the URL
            log.info("window/showDocument failed: %s", error)

    def report_page_problem(self) -> None:
        """Say once that pages moved to a temporary directory (symbols keep working)."""
        if self.pages.problem is not None and not self._page_problem_told:
            self._page_problem_told = True
            self.tell(types.MessageType.Warning, f"docs-daemon: {self.pages.problem}")

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, context=detached_context())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)

    # -- settings --------------------------------------------------------------------------

    def apply_settings(self, raw: Any) -> None:
        new, warnings = parse_settings(raw, self.settings)
        for warning in warnings:
            self.tell(types.MessageType.Warning, f"docs-daemon: {warning}")
        reload = (new.databases, new.bundled) != (self.settings.databases, self.settings.bundled)
        python_changed = new.python != self.settings.python
        self.settings = new
        if self.workspace_docs is not None:
            self.workspace_docs.downloads = new.downloads
        if python_changed and self._client_ready:
            self.spawn(self.use_environment())
        if self.store is not None:
            if reload:
                self.start_store()
            else:
                self.store.use_docsets(new.docsets or None)


def _serving(
    handler: Callable[[DocsServer, Any], Awaitable[T]], default: T
) -> Callable[[DocsServer, Any], Awaitable[T]]:
    """Turn an unavailable store into the feature's empty answer instead of an error per request.

    The wrapper's first parameter is named ``ls``: that is how pygls knows to pass the server
    (the feature itself takes it as its narrow ``FeatureContext``), so it must not borrow the
    feature's signature.
    """

    async def guarded(ls: DocsServer, params: Any) -> T:
        try:
            return await handler(ls, params)
        except StoreUnavailableError as error:
            log.info("%s: %s", handler.__name__, error)
            return default

    guarded.__name__ = guarded.__qualname__ = handler.__name__
    return guarded


def _unwrap_settings(raw: Any) -> Any:
    """Settings arrive as ``{"docsDaemon": {...}}`` (VS Code style) or as the object itself."""
    if isinstance(raw, dict) and isinstance(raw.get("docsDaemon"), dict):
        return raw["docsDaemon"]
    return raw


def create_server(
    cli_databases: list[Path],
    use_bundled: bool,
    cache_dir: Path,
    library: LibraryOptions | None = None,
) -> DocsServer:
    server = DocsServer(cli_databases, use_bundled, cache_dir, library)

    @server.feature(types.INITIALIZE)
    def initialize(ls: DocsServer, params: types.InitializeParams) -> None:
        ls.documents.encoding = negotiated(ls.workspace.position_encoding)
        ls.apply_settings(_unwrap_settings(params.initialization_options))
        ls.initialize_seen = True  # the store starts at ``initialized``, after this answer
        if params.process_id is not None:
            ls.spawn(_watch_parent(params.process_id))

    @server.feature(types.INITIALIZED)
    def initialized(ls: DocsServer, params: types.InitializedParams) -> None:
        if ls.store is None:
            ls.start_store()
        ls.spawn(ls.use_environment())
        ls.spawn(ls.inference.start())  # warm before the first question needs it
        ls.flush_messages()
        window = ls.client_capabilities.window
        if window is not None and window.work_done_progress:
            ls.spawn(_report_loading(ls))

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: DocsServer, params: None) -> None:
        await ls.close()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: DocsServer, params: types.DidChangeConfigurationParams
    ) -> None:
        raw = _unwrap_settings(params.settings)
        workspace = ls.client_capabilities.workspace
        if raw is None and workspace is not None and workspace.configuration:
            pulled = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="docsDaemon")])
            )
            raw = pulled[0] if pulled else None
        if raw is not None:
            ls.apply_settings(raw)

    server.feature(types.TEXT_DOCUMENT_HOVER)(_serving(hover.hover, None))
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(
            trigger_characters=completion.TRIGGER_CHARACTERS, resolve_provider=True
        ),
    )(_serving(completion.completion, None))
    server.feature(types.COMPLETION_ITEM_RESOLVE)(_resolve_completion)
    server.feature(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolOptions(resolve_provider=True))(
        _serving(symbols.workspace_symbol, list[types.WorkspaceSymbol]())
    )
    server.feature(types.WORKSPACE_SYMBOL_RESOLVE)(_resolve_symbol)
    server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(trigger_characters=signature_help.TRIGGER_CHARACTERS),
    )(_serving(signature_help.signature_help, None))

    @server.command(open_in_browser.COMMAND)
    async def open_docs(ls: DocsServer, *arguments: Any) -> str | None:
        try:
            return await open_in_browser.open_in_browser(ls, list(arguments))
        except StoreUnavailableError:
            return None

    @server.feature(STATUS_METHOD)
    async def status(ls: DocsServer, params: Any) -> dict[str, Any]:
        return await ls.status()

    return server


async def _resolve_completion(ls: DocsServer, item: types.CompletionItem) -> types.CompletionItem:
    try:
        return await completion.resolve(ls, item)
    except StoreUnavailableError:
        return item


async def _resolve_symbol(ls: DocsServer, symbol: types.WorkspaceSymbol) -> types.WorkspaceSymbol:
    try:
        return await symbols.resolve(ls, symbol)
    except StoreUnavailableError:
        return symbol


async def _report_loading(ls: DocsServer) -> None:
    """Show ``$/progress`` while the documentation loads, for clients that display it."""
    store = ls.store
    if store is None or store.state == "ready":
        return
    token = f"docs-daemon-load-{uuid.uuid4().hex[:8]}"
    try:
        await asyncio.wait_for(ls.work_done_progress.create_async(token), timeout=5)
    except Exception as error:  # the client refused or never answered: no progress, no harm
        log.debug("no work-done progress: %s", error)
        return
    ls.work_done_progress.begin(
        token, types.WorkDoneProgressBegin(title="docs-daemon", message="Loading documentation")
    )
    try:
        await ls.ready_store()
        message = "Documentation loaded"
    except StoreUnavailableError as error:
        message = f"Loading failed: {error}"
    ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _watch_parent(pid: int) -> None:
    """Exit when the editor that started us dies, so no orphan keeps running."""
    while True:
        await asyncio.sleep(PARENT_CHECK_SECONDS)
        if not _process_alive(pid):
            log.warning("client process %d is gone; exiting", pid)
            logging.shutdown()
            os._exit(0)


def _configure_logging(log_file: Path | None, level: str) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level.upper())


def _warn_if_exposed(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        print(
            f"docs-daemon: WARNING: listening on {host}, reachable from other machines; "
            "anyone who can connect can read your open documents' text. Use 127.0.0.1 unless "
            "you mean it.",
            file=sys.stderr,
        )


def run_server(args: argparse.Namespace) -> int:
    """``docs-daemon serve``: run until the client says exit, closes stdin, or dies."""
    _configure_logging(args.log_file, args.log_level)
    server = create_server(
        list(args.databases),
        not args.no_bundled,
        args.cache_dir or default_cache_dir(),
        LibraryOptions(args.data_dir, args.python_docs_url, tuple(_mirrors(args.mirror))),
    )
    if args.tcp or args.ws:
        _warn_if_exposed(args.host)
        (server.start_tcp if args.tcp else server.start_ws)(args.host, args.port)
        # pygls has closed its event loop, so the store cannot be closed politely; its
        # connection threads must not keep the process alive after the client is gone.
        logging.shutdown()
        os._exit(0)
    else:
        serve_stdio(server, server.close)
    return 0
