"""The HTTP layer against a real loopback server: limits, redirects, retries, faults."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from docs_daemon.library.errors import FetchError, LibraryError
from docs_daemon.library.fetcher import ByteBudget, Fetcher, FetchPolicy, check_url
from tests.library.docs_server import (
    DocsServer,
    declares_huge,
    endless,
    failing_first,
    stalls,
    trickles,
)

MiB = 1024 * 1024


def quick(**changes: object) -> FetchPolicy:
    """A policy with test-sized waits."""
    values: dict[str, object] = {
        "connect_timeout": 2.0, "read_timeout": 1.0, "page_deadline": 3.0, "backoff": 0.05,
    }  # fmt: skip
    values.update(changes)
    return FetchPolicy(**values)  # type: ignore[arg-type]


def test_plain_http_only_to_loopback() -> None:
    check_url("http://127.0.0.1:8000/x")
    check_url("http://localhost/x")
    check_url("http://[::1]:80/x")
    check_url("https://docs.python.org/3/")
    for url in (
        "http://docs.python.org/3/",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "javascript:x",
    ):
        with pytest.raises(FetchError):
            check_url(url)


async def test_page_and_mirror(docs_server: DocsServer, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>hello</p>")
    docs_server.file("/fetcher/page.html", page)
    mirror = ("https://docs.example.org/", docs_server.url + "fetcher/")
    async with Fetcher(quick(mirrors=(mirror,))) as fetcher:
        fetched = await fetcher.get("https://docs.example.org/page.html")
    assert fetched.content == b"<p>hello</p>"
    # The public URL survives, the bytes came from the mirror.
    assert fetched.final_url == "https://docs.example.org/page.html"
    assert fetched.content_type.startswith("text/html")


async def test_same_host_redirect_followed(docs_server: DocsServer, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(b"stable")
    docs_server.tree("/redir/en/stable/", tmp_path)
    docs_server.redirect("/redir/", "/redir/en/stable/")
    async with Fetcher(quick()) as fetcher:
        fetched = await fetcher.get(docs_server.url + "redir/")
    assert fetched.content == b"stable"
    assert fetched.final_url == docs_server.url + "redir/en/stable/"


async def test_redirect_to_another_host_refused(docs_server: DocsServer) -> None:
    # localhost is another host name for the same loopback server: nothing leaves the machine.
    docs_server.redirect("/away/", f"http://localhost:{docs_server.port}/elsewhere/")
    async with Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError, match="redirected to another host \\(localhost\\), refused"):
            await fetcher.get(docs_server.url + "away/")
    assert not docs_server.fetched("/elsewhere/")


async def test_not_found_carries_status(docs_server: DocsServer) -> None:
    async with Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404") as caught:
            await fetcher.get(docs_server.url + "nothing-here/objects.inv")
    assert caught.value.status == 404


async def test_connection_refused_is_offline(unused_port: int) -> None:
    async with Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError, match=r"connection refused by 127\.0\.0\.1.*offline"):
            await fetcher.get(f"http://127.0.0.1:{unused_port}/objects.inv")


async def test_unresolvable_host_never_looked_up() -> None:
    started = time.monotonic()
    async with Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError, match=r"cannot resolve host docs\.example\.invalid"):
            await fetcher.get("https://docs.example.invalid/objects.inv")
    assert time.monotonic() - started < 1


async def test_silent_server_times_out_after_retries(docs_server: DocsServer) -> None:
    docs_server.route("/stall/", stalls(5))
    started = time.monotonic()
    async with Fetcher(quick(read_timeout=0.3, retries=1)) as fetcher:
        with pytest.raises(FetchError, match=r"timed out .*after 2 attempts"):
            await fetcher.get(docs_server.url + "stall/x.html")
    assert time.monotonic() - started < 3
    assert len(docs_server.fetched("/stall/")) == 2


async def test_trickling_server_hits_the_deadline(docs_server: DocsServer) -> None:
    docs_server.route("/trickle/", trickles)
    started = time.monotonic()
    async with Fetcher(quick(page_deadline=1.0)) as fetcher:
        with pytest.raises(FetchError, match="too slow \\(not complete within 1 s\\)"):
            await fetcher.get(docs_server.url + "trickle/x.html")
    assert time.monotonic() - started < 2.5


async def test_endless_body_cut_off_at_the_cap(docs_server: DocsServer) -> None:
    docs_server.route("/endless/", endless)
    started = time.monotonic()
    async with Fetcher(quick(page_bytes=2 * MiB)) as fetcher:
        with pytest.raises(FetchError, match="larger than 2 MiB, cut off"):
            await fetcher.get(docs_server.url + "endless/x.html")
    assert time.monotonic() - started < 3


async def test_declared_10_gb_refused_before_reading(
    docs_server: DocsServer, tmp_path: Path
) -> None:
    docs_server.route("/huge/", declares_huge)
    async with Fetcher(quick()) as fetcher:
        with pytest.raises(FetchError, match="larger than 512 MiB, cut off"):
            await fetcher.download(docs_server.url + "huge/docs.tar.bz2", tmp_path / "a")
    assert (tmp_path / "a").stat().st_size == 0


async def test_docset_budget_shared_by_pages(docs_server: DocsServer, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(b"a" * 600_000)
    docs_server.tree("/budget/", tmp_path)
    budget = ByteBudget(1 * MiB, "werkzeug")
    async with Fetcher(quick()) as fetcher:
        await fetcher.get(docs_server.url + "budget/a.html", budget=budget)
        with pytest.raises(LibraryError, match="werkzeug: more than 1 MiB of documentation"):
            await fetcher.get(docs_server.url + "budget/a.html", budget=budget)


async def test_transient_errors_retried(docs_server: DocsServer, tmp_path: Path) -> None:
    (tmp_path / "p.html").write_bytes(b"finally")
    docs_server.route("/flaky/", failing_first(2, lambda r, rest: r.send_file(tmp_path, rest)))
    async with Fetcher(quick(retries=2)) as fetcher:
        fetched = await fetcher.get(docs_server.url + "flaky/p.html")
    assert fetched.content == b"finally"
    assert len(docs_server.fetched("/flaky/")) == 3


async def test_persistent_5xx_reported(docs_server: DocsServer) -> None:
    docs_server.route("/down/", failing_first(100, lambda r, rest: None))
    async with Fetcher(quick(retries=1)) as fetcher:
        with pytest.raises(FetchError, match=r"HTTP 503 .*after 2 attempts") as caught:
            await fetcher.get(docs_server.url + "down/p.html")
    assert caught.value.status == 503


async def test_download_streams_to_file(docs_server: DocsServer, tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(bytes(range(256)) * 8192)
    docs_server.tree("/dl/", tmp_path)
    seen: list[tuple[int, int | None]] = []
    target = tmp_path / "out.bin"
    async with Fetcher(quick()) as fetcher:
        await fetcher.download(
            docs_server.url + "dl/big.bin", target, on_bytes=lambda d, t: seen.append((d, t))
        )
    assert target.read_bytes() == (tmp_path / "big.bin").read_bytes()
    assert seen[-1] == (256 * 8192, 256 * 8192)


@pytest.fixture
def unused_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
