"""Polite, bounded HTTP for documentation: the only module of the library that talks to the network.

Everything fetched is untrusted. A request goes out only over https (plain http only to a
loopback host), follows redirects only within the host it asked, gives up after timeouts and a
wall-clock deadline, retries transient failures with backoff, and stops reading as soon as a
response passes its byte cap, so a 10 GB answer costs a few megabytes. Mirrors rewrite public
URLs to where the bytes actually come from; docsets keep the public URLs for their links.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol, Self
from urllib.parse import urljoin, urlsplit

import httpx

from docs_daemon import __version__
from docs_daemon.library.errors import FetchError, LibraryError

MiB = 1024 * 1024

#: Host names that never resolve (RFC 6761): refused before any lookup, so no traffic leaves.
_NEVER_RESOLVES = (".invalid",)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How hard and how far the library may reach for documentation."""

    #: Concurrent connections to a site: a small number, the sites are volunteers' servers.
    connections: int = 4
    connect_timeout: float = 10.0
    #: Longest silence while reading an answer.
    read_timeout: float = 20.0
    #: Longest whole request for a page or an inventory, against servers that trickle bytes.
    page_deadline: float = 60.0
    #: Longest whole download of an archive (the Python docs are 7-30 MB).
    archive_deadline: float = 900.0
    #: Attempts after the first on timeouts, dropped connections, HTTP 429 and 5xx.
    retries: int = 2
    #: First pause between attempts; doubled each time.
    backoff: float = 0.5
    max_redirects: int = 5
    #: Ceiling on one page or inventory (the largest Python docs page is ~1.5 MiB).
    page_bytes: int = 16 * MiB
    #: Ceiling on all the pages of one docset together.
    docset_bytes: int = 256 * MiB
    #: Ceiling on one archive download.
    archive_bytes: int = 512 * MiB
    #: ``(public prefix, mirror prefix)`` pairs: a URL starting with the public prefix is
    #: fetched from the mirror instead.
    mirrors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A complete response: the public URL asked for, the public URL answered (after
    redirects) and the body (empty when it was streamed to a file)."""

    url: str
    final_url: str
    content: bytes
    content_type: str


@dataclass(slots=True)
class ByteBudget:
    """Bytes several requests may read together (one docset's pages), checked per chunk."""

    limit: int
    what: str
    used: int = field(default=0)

    def take(self, count: int) -> None:
        """Count ``count`` more bytes; past the limit the whole docset stops (not one page)."""
        self.used += count
        if self.used > self.limit:
            raise LibraryError(
                f"{self.what}: more than {self.limit // MiB} MiB of documentation, stopped"
            )


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: the only hosts plain http may reach."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse URLs the library must never request (see module docstring)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url}: not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(host):
        raise FetchError(f"{url}: refusing plain http to a non-loopback host (use https)")


def mirrored(url: str, mirrors: Sequence[tuple[str, str]]) -> str:
    """Where ``url`` is actually fetched from."""
    for public, mirror in mirrors:
        if url.startswith(public):
            return mirror + url[len(public) :]
    return url


def unmirrored(url: str, mirrors: Sequence[tuple[str, str]]) -> str:
    """The public URL of a mirror URL (the inverse of :func:`mirrored`)."""
    for public, mirror in mirrors:
        if url.startswith(mirror):
            return public + url[len(mirror) :]
    return url


class _RetryableError(Exception):
    """An attempt failed in a way worth trying again; carries the message for the last one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Fetcher:
    """An HTTP client under a :class:`FetchPolicy`; ``async with`` closes what it opened.

    Pass ``client`` to share a long-lived ``httpx.AsyncClient`` (the caller closes it).
    """

    def __init__(
        self, policy: FetchPolicy | None = None, *, client: httpx.AsyncClient | None = None
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(
                self.policy.read_timeout, connect=self.policy.connect_timeout, pool=None
            ),
            limits=httpx.Limits(
                max_connections=self.policy.connections,
                max_keepalive_connections=self.policy.connections,
            ),
            headers={"User-Agent": f"docs-daemon/{__version__} (documentation fetcher)"},
            follow_redirects=False,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def get(
        self, url: str, *, limit: int | None = None, budget: ByteBudget | None = None
    ) -> Fetched:
        """The whole body of ``url`` (a page, an inventory), within the page cap."""
        sink = _MemorySink()
        final, content_type = await self._fetch(
            url, sink, limit or self.policy.page_bytes, budget, self.policy.page_deadline
        )
        return Fetched(url, final, b"".join(sink.chunks), content_type)

    async def download(
        self,
        url: str,
        destination: Path,
        *,
        on_bytes: Callable[[int, int | None], None] | None = None,
    ) -> Fetched:
        """Stream ``url`` into ``destination`` (an archive), within the archive cap;
        ``on_bytes(received, expected)`` follows the download."""
        with destination.open("wb") as file:
            sink = _FileSink(file, on_bytes)
            final, content_type = await self._fetch(
                url, sink, self.policy.archive_bytes, None, self.policy.archive_deadline
            )
        return Fetched(url, final, b"", content_type)

    async def _fetch(
        self, url: str, sink: _Sink, limit: int, budget: ByteBudget | None, deadline: float
    ) -> tuple[str, str]:
        """Follow same-host redirects; return the final public URL and the content type."""
        mirrors = self.policy.mirrors
        current = mirrored(url, mirrors)
        for _hop in range(self.policy.max_redirects + 1):
            check_url(current)
            _check_resolvable(current)
            outcome = await self._attempts(current, sink, limit, budget, deadline)
            if isinstance(outcome, _Redirect):
                target = urljoin(current, outcome.location)
                _check_same_host(current, target)
                current = target
                continue
            return unmirrored(current, mirrors), outcome
        raise FetchError(f"{url}: more than {self.policy.max_redirects} redirects, gave up")

    async def _attempts(
        self, url: str, sink: _Sink, limit: int, budget: ByteBudget | None, deadline: float
    ) -> _Redirect | str:
        """One request with its retries: a redirect, or the content type of a stored body."""
        attempts = self.policy.retries + 1
        for attempt in range(attempts):
            counted = _Counted(sink, budget)
            try:
                async with asyncio.timeout(deadline):
                    return await self._once(url, counted, limit)
            except _RetryableError as retry:
                message, status = str(retry), retry.status
            except TimeoutError:
                raise FetchError(f"{url}: too slow (not complete within {deadline:g} s)") from None
            except httpx.TimeoutException:
                message, status = f"{url}: timed out (no answer within the time limit)", None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
                message, status = f"{url}: connection dropped ({_detail(error)})", None
            except httpx.ConnectError as error:
                raise FetchError(_connect_message(url, error)) from None
            except httpx.HTTPError as error:
                raise FetchError(f"{url}: {_detail(error)}") from None
            counted.undo()
            if attempt + 1 < attempts:
                await asyncio.sleep(self.policy.backoff * 2**attempt)
        raise FetchError(f"{message} (after {attempts} attempts)", status=status)

    async def _once(self, url: str, sink: _Counted, limit: int) -> _Redirect | str:
        async with self._client.stream("GET", url) as response:
            status = response.status_code
            if response.is_redirect:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"{url}: HTTP {status} redirect without a Location")
                return _Redirect(location)
            if status == 429 or status >= 500:
                raise _RetryableError(f"{url}: HTTP {status} {response.reason_phrase}", status)
            if status >= 400:
                raise FetchError(f"{url}: HTTP {status} {response.reason_phrase}", status=status)
            declared = _declared_length(response)
            if declared is not None and declared > limit:
                raise FetchError(_too_big(url, limit), status=status)
            sink.start(declared)
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > limit:
                    raise FetchError(_too_big(url, limit), status=status)
                sink.write(chunk)
            return str(response.headers.get("content-type", ""))


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


class _Sink(Protocol):
    """Where a body goes while it streams in; ``reset`` forgets a failed attempt."""

    def start(self, expected: int | None) -> None: ...
    def write(self, chunk: bytes) -> None: ...
    def reset(self) -> None: ...


class _MemorySink:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def start(self, expected: int | None) -> None:
        self.chunks.clear()

    def write(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    def reset(self) -> None:
        self.chunks.clear()


class _FileSink:
    def __init__(self, file: IO[bytes], on_bytes: Callable[[int, int | None], None] | None):
        self.file = file
        self.on_bytes = on_bytes
        self.expected: int | None = None
        self.received = 0

    def start(self, expected: int | None) -> None:
        self.reset()
        self.expected = expected

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.received += len(chunk)
        if self.on_bytes is not None:
            self.on_bytes(self.received, self.expected)

    def reset(self) -> None:
        self.file.seek(0)
        self.file.truncate()
        self.received = 0


class _Counted:
    """A sink that charges a shared budget, and can give the charge back after a failure."""

    def __init__(self, sink: _Sink, budget: ByteBudget | None) -> None:
        self.sink = sink
        self.budget = budget
        self.count = 0

    def start(self, expected: int | None) -> None:
        self.sink.start(expected)

    def write(self, chunk: bytes) -> None:
        if self.budget is not None:
            self.budget.take(len(chunk))
        self.count += len(chunk)
        self.sink.write(chunk)

    def undo(self) -> None:
        if self.budget is not None:
            self.budget.used -= self.count
        self.count = 0
        self.sink.reset()


def _declared_length(response: httpx.Response) -> int | None:
    # With a content coding the header counts compressed bytes; the streamed count decides.
    if response.headers.get("content-encoding", "identity") != "identity":
        return None
    with contextlib.suppress(KeyError, ValueError):
        return int(response.headers["content-length"])
    return None


def _too_big(url: str, limit: int) -> str:
    return f"{url}: response larger than {limit // MiB} MiB, cut off"


def _check_same_host(source: str, target: str) -> None:
    before, after = urlsplit(source), urlsplit(target)
    if (before.hostname, before.port) != (after.hostname, after.port):
        raise FetchError(
            f"{source}: redirected to another host ({after.hostname}), refused "
            "(give that site's URL with --from if it is the official one)"
        )


def _check_resolvable(url: str) -> None:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host.endswith(_NEVER_RESOLVES):
        raise FetchError(f"{url}: cannot resolve host {host} (no such host, or offline)")


def _connect_message(url: str, error: httpx.ConnectError) -> str:
    """Say which of the usual causes it was: no DNS, nobody listening, TLS."""
    host = urlsplit(url).netloc
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return f"{url}: cannot resolve host {urlsplit(url).hostname} (no such host, or offline)"
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return f"{url}: connection refused by {host} (server down, or offline)"
        cause = cause.__cause__ or cause.__context__
    text = _detail(error)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return f"{url}: cannot resolve host {urlsplit(url).hostname} (no such host, or offline)"
    if "Connection refused" in text:
        return f"{url}: connection refused by {host} (server down, or offline)"
    return f"{url}: cannot connect to {host} ({text})"


def _detail(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
