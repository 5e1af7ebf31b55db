"""A loopback HTTP server that plays the documentation sites: real Sphinx trees from Debian's
doc packages served under version directories, official-style archives, and misbehaving routes.

Started by the tests on 127.0.0.1 and a free port; nothing it serves comes from the internet.
"""

from __future__ import annotations

import contextlib
import http.server
import mimetypes
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: A route answers a request path (below its prefix) with a handler call; ``None`` = 404.
Handler = Callable[["_RequestHandler", str], None]


@dataclass
class DocsServer:
    """Routes by path prefix; records every request path so tests can count what was fetched."""

    host: str = "127.0.0.1"
    port: int = 0
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def route(self, prefix: str, handler: Handler) -> None:
        """Serve ``prefix`` (``/werkzeug/en/2.2.x/``) and everything below it with ``handler``."""
        self.routes[prefix] = handler

    def tree(self, prefix: str, root: Path) -> None:
        """Serve the files under ``root`` at ``prefix`` (a site's version directory)."""
        self.route(prefix, lambda request, rest: request.send_file(root, rest))

    def file(self, path: str, file: Path) -> None:
        """Serve one file at exactly ``path``."""
        self.route(
            path, lambda request, rest: request.send_file(file.parent, file.name, exact=rest)
        )

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        def handler(request: _RequestHandler, rest: str) -> None:
            if rest:
                request.send_error(404)
                return
            request.send_response(status)
            request.send_header("Location", location)
            request.send_header("Content-Length", "0")
            request.end_headers()

        self.route(path, handler)

    def fetched(self, prefix: str) -> list[str]:
        """Request paths under ``prefix`` so far."""
        with self._lock:
            return [p for p in self.requests if p.startswith(prefix)]

    def _log(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def _handler_for(self, path: str) -> tuple[Handler, str] | None:
        best = max((p for p in self.routes if path.startswith(p)), key=len, default=None)
        if best is None:
            return None
        return self.routes[best], path[len(best) :]


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    server_version = "docs-test/1"
    protocol_version = "HTTP/1.1"
    docs: DocsServer

    def handle(self) -> None:
        # The client hung up (a cut-off body, a timeout): expected here.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.docs._log(path)
        found = self.docs._handler_for(path)
        if found is None:
            self.send_error(404)
            return
        handler, rest = found
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler(self, rest)

    def send_file(self, root: Path, rest: str, *, exact: str | None = None) -> None:
        if exact is not None and exact:
            self.send_error(404)
            return
        relative = unquote(rest)
        if relative in ("", "/") or relative.endswith("/"):
            relative += "index.html"
        file = (root / relative).resolve()
        if not file.is_relative_to(root.resolve()) or not file.is_file():
            self.send_error(404)
            return
        data = file.read_bytes()
        self.send_bytes(data, mimetypes.guess_type(file.name)[0] or "application/octet-stream")

    def send_bytes(self, data: bytes, content_type: str = "text/html") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is for failures."""


def endless(request: _RequestHandler, rest: str) -> None:
    """A body that never ends (no Content-Length, chunks until the client hangs up)."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Connection", "close")
    request.end_headers()
    chunk = b"<p>" + b"x" * 65_536 + b"</p>"
    for _ in range(200_000):  # ~13 GB if nobody stops reading
        request.wfile.write(chunk)


def declares_huge(request: _RequestHandler, rest: str) -> None:
    """Claims 10 GB up front; a client must refuse before reading."""
    request.send_response(200)
    request.send_header("Content-Type", "application/octet-stream")
    request.send_header("Content-Length", str(10 * 1024**3))
    request.end_headers()
    request.wfile.write(b"x" * 1024)


def stalls(seconds: float) -> Handler:
    """Accepts the request and says nothing for ``seconds``."""

    def handler(request: _RequestHandler, rest: str) -> None:
        time.sleep(seconds)
        request.send_bytes(b"late")

    return handler


def trickles(request: _RequestHandler, rest: str) -> None:
    """Sends a byte every 0.2 s: never silent long enough for a read timeout."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Content-Length", "1000")
    request.end_headers()
    for _ in range(1000):
        request.wfile.write(b"x")
        request.wfile.flush()
        time.sleep(0.2)


def failing_first(times: int, then: Handler) -> Handler:
    """503 for the first ``times`` requests, then ``then``: a server having a bad moment."""
    count = 0
    lock = threading.Lock()

    def handler(request: _RequestHandler, rest: str) -> None:
        nonlocal count
        with lock:
            count += 1
            failing = count <= times
        if failing:
            request.send_error(503)
        else:
            then(request, rest)

    return handler


def serving(docs: DocsServer) -> Iterator[DocsServer]:
    """Run ``docs`` in a thread until the generator is closed (a fixture body)."""
    handler = type("Handler", (_RequestHandler,), {"docs": docs})
    server = http.server.ThreadingHTTPServer((docs.host, docs.port), handler)
    server.daemon_threads = True
    docs.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="docs-server", daemon=True)
    thread.start()
    try:
        yield docs
    finally:
        server.shutdown()
        server.server_close()
