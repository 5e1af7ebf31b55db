"""Bad networks and bad sites during ``add``: each ends in one clear line, and the docset that
was installed before is still there, byte for byte."""

from __future__ import annotations

import hashlib
import io
import re
import socket
import tarfile
from pathlib import Path

import pytest

from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.library import Library, LibraryError, NoOfficialDocsError, add_distribution
from docs_daemon.library.install import install
from docs_daemon.schema import Kind
from tests.library.conftest import Sites
from tests.library.docs_server import endless, failing_first, stalls
from tests.library.hostile_site import distribution, function_page, inventory


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
async def installed_before(library: Library) -> Path:
    """A docset ``victim`` already installed: every failing add below tries to replace it."""
    entry = DocEntry(
        "victim.f", "f", Kind.FUNCTION, "victim", "()", "Old.", "Old.", "https://v.example/#f"
    )
    docset = Docset("victim", "1.0", "https://v.example/", "before", entries=[entry])
    return (await install(library, "victim", docset)).path


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def small_site(root: Path, pages: int = 1) -> None:
    """A valid little Sphinx site: ``victim.f0`` ... on ``p0.html`` ..."""
    root.mkdir(parents=True)
    objects = []
    for index in range(pages):
        (root / f"p{index}.html").write_text(
            function_page((f"victim.f{index}", "<p>New text.</p>"))
        )
        objects.append((f"victim.f{index}", "function", f"p{index}.html#victim.f{index}"))
    (root / "objects.inv").write_bytes(inventory("Victim", "2.0", objects))


async def expect_failure(
    library: Library, installed_before: Path, sites: Sites, pattern: str, **urls: str
) -> str:
    before = digest(installed_before)
    victim = distribution("victim", "2.0", **urls)
    with pytest.raises(LibraryError) as caught:
        await add_distribution(library, victim, policy=sites.policy(**POLICY), replace=True)
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(pattern, message), message
    assert digest(installed_before) == before
    assert [d.name for d in library.docsets()] == ["victim"]
    assert not [p.name for p in library.root.iterdir() if p.name.startswith(".victim.sqlite")]
    return message


POLICY: dict[str, object] = {"read_timeout": 0.5, "retries": 1, "page_bytes": 1024 * 1024}


async def test_offline(sites: Sites, library: Library, installed_before: Path) -> None:
    await expect_failure(
        library, installed_before, sites,
        r"^victim: documentation unreachable: .*connection refused by 127\.0\.0\.1:\d+ \(server down, or offline\)$",
        Documentation=f"http://127.0.0.1:{unused_port()}/",
    )  # fmt: skip


async def test_dns_failure(sites: Sites, library: Library, installed_before: Path) -> None:
    await expect_failure(
        library, installed_before, sites,
        r"cannot resolve host docs\.victim\.invalid \(no such host, or offline\)",
        Documentation="https://docs.victim.invalid/",
    )  # fmt: skip


async def test_slow_server(sites: Sites, library: Library, installed_before: Path) -> None:
    sites.server.route("/slow-victim/", stalls(3))
    await expect_failure(
        library, installed_before, sites,
        r"documentation unreachable: .*timed out \(no answer within the time limit\) \(after 2 attempts\)",
        Documentation=sites.server.url + "slow-victim/",
    )  # fmt: skip


async def test_redirect_to_another_host(
    sites: Sites, library: Library, installed_before: Path
) -> None:
    sites.server.redirect("/moved-victim/", f"http://localhost:{sites.server.port}/victim/")
    await expect_failure(
        library, installed_before, sites, r"redirected to another host \(localhost\), refused",
        Documentation=sites.server.url + "moved-victim/",
    )  # fmt: skip


async def test_endless_inventory(sites: Sites, library: Library, installed_before: Path) -> None:
    sites.server.route("/endless-victim/en/stable/", endless)
    await expect_failure(
        library, installed_before, sites,
        r"no Sphinx objects.inv .* last problem: .*objects\.inv: response larger than 1 MiB, cut off",
        Documentation=sites.server.url + "endless-victim/en/stable/",
    )  # fmt: skip


async def test_html_that_is_not_sphinx(
    sites: Sites, library: Library, installed_before: Path
) -> None:
    # A site answering every path with the same page (a "soft 404").
    sites.server.route(
        "/plain-victim/",
        lambda request, rest: request.send_bytes(b"<html><body>Welcome!</body></html>"),
    )
    await expect_failure(
        library, installed_before, sites,
        r"no Sphinx objects\.inv with Python objects at .*plain-victim/ .*is not a valid Sphinx objects\.inv",
        Documentation=sites.server.url + "plain-victim/",
    )  # fmt: skip


async def test_no_metadata_no_registry(
    sites: Sites, library: Library, installed_before: Path
) -> None:
    with pytest.raises(
        NoOfficialDocsError,
        match=r"^victim: no documentation site in its metadata or the intersphinx registry$",
    ):
        await add_distribution(library, distribution("victim"), policy=sites.policy(), replace=True)


async def test_pages_failing_means_the_site_is_down(
    sites: Sites, library: Library, installed_before: Path, tmp_path: Path
) -> None:
    small_site(tmp_path / "down", pages=8)
    inv = (tmp_path / "down" / "objects.inv").read_bytes()
    sites.server.route("/down-victim/", failing_first(10_000, lambda r, rest: None))
    sites.server.route(
        "/down-victim/objects.inv",
        lambda request, rest: request.send_bytes(inv, "application/octet-stream"),
    )
    await expect_failure(
        library, installed_before, sites, r"^victim: [4-8] of 8 pages could not be fetched \(.*HTTP 503",
        Documentation=sites.server.url + "down-victim/",
    )  # fmt: skip


async def test_docset_byte_budget(
    sites: Sites, library: Library, installed_before: Path, tmp_path: Path
) -> None:
    small_site(tmp_path / "big", pages=6)
    for page in (tmp_path / "big").glob("*.html"):
        page.write_text(page.read_text().replace("New text.", "x" * 300_000))
    sites.server.tree("/big-victim/", tmp_path / "big")
    POLICY["docset_bytes"] = 1024 * 1024
    try:
        await expect_failure(
            library, installed_before, sites, r"^victim: more than 1 MiB of documentation, stopped$",
            Documentation=sites.server.url + "big-victim/",
        )  # fmt: skip
    finally:
        del POLICY["docset_bytes"]


async def test_hostile_archive(
    sites: Sites, library: Library, installed_before: Path, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in (("html/objects.inv", b"x"), ("../../evil.html", b"<p>evil</p>")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    (tmp_path / "docs.tar.gz").write_bytes(buffer.getvalue())
    sites.server.file("/victim-archive/docs.tar.gz", tmp_path / "docs.tar.gz")
    before = digest(installed_before)
    with pytest.raises(
        LibraryError,
        match=r"victim-archive/docs\.tar\.gz: refusing member '\.\./\.\./evil\.html': it points outside the archive",
    ):
        await add_distribution(
            library, distribution("victim"), source=sites.server.url + "victim-archive/docs.tar.gz",
            policy=sites.policy(), replace=True,
        )  # fmt: skip
    assert digest(installed_before) == before
    assert not [p for p in library.root.iterdir() if "download" in p.name]
    assert not (tmp_path.parent / "evil.html").exists()


async def test_pages_that_are_not_sphinx(
    sites: Sites, library: Library, installed_before: Path, tmp_path: Path
) -> None:
    # A real inventory, but the pages it names are not the documentation (no anchors at all).
    small_site(tmp_path / "notsphinx", pages=3)
    for page in (tmp_path / "notsphinx").glob("*.html"):
        page.write_text("<html><body><h1>Moved</h1><p>This page moved.</p></body></html>")
    sites.server.tree("/notsphinx-victim/", tmp_path / "notsphinx")
    await expect_failure(
        library, installed_before, sites,
        r"^victim: the documentation has no Python entries; nothing installed$",
        Documentation=sites.server.url + "notsphinx-victim/",
    )  # fmt: skip
