"""Security: network exposure, hostile search input, page paths, oversized documents.

Covered elsewhere and not repeated here: the builder refusing hostile archives (path
traversal, absolute paths, symlinks and hard links, zip and tar bombs) in
``tests/builder/test_archives.py``; every store connection being read-only
(``tests/store/test_loading.py::test_every_connection_is_read_only``).
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from docs_daemon.builder.writer import qualname_words
from docs_daemon.schema import FTS_TABLE
from tests.hardening.peer import HardenedPeer, hover_value, start_peer
from tests.wire import ROOT

INJECTIONS = [
    '"',
    "'",
    "*",
    "**",
    "^",
    "(",
    ")",
    "{",
    "}",
    ":",
    "-dumps",
    "+dumps",
    "dumps*",
    "*dumps*",
    '"dumps"',
    "dumps OR loads",
    "dumps AND",
    "NOT dumps",
    "NEAR(dumps loads)",
    "name:dumps",
    "entries_fts:dumps",
    "%",
    "_",
    "\\",
    "%_%",
    "' OR 1=1 --",
    '"; DROP TABLE entries; --',
    "'; DROP TABLE entries; --",
    "dumps'); DELETE FROM entries; --",
    "'; ATTACH DATABASE 'hardening-attached.db' AS evil; --",
    "x\x00y",
    "\u202edumps",
    "\N{PILE OF POO}",
    "\ud800",
    "../../../../etc/passwd",
    "a" * 10_000,
    " ".join(["dumps"] * 500),
    "$(rm -rf /)",
    "<script>alert(1)</script>",
]


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp[6]) listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.append(address)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_network(mode: str, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "docs_daemon", "serve", mode, "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    return process, port


def _wait_listening(process: subprocess.Popen[bytes], port: int, seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        addresses = _listening(port)
        if addresses:
            return addresses
        if process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"server exited with {process.returncode}: {stderr.decode()[-2000:]}")
        time.sleep(0.05)
    pytest.fail(f"nothing listens on port {port} after {seconds} s")


LOOPBACK_HEX = {"0100007F", "00000000000000000000000001000000"}
ANY_HEX = {"00000000", "00000000000000000000000000000000"}


@pytest.mark.parametrize("mode", ["--tcp", "--ws"])
def test_network_modes_bind_loopback_by_default(mode: str) -> None:
    process, port = _serve_network(mode)
    try:
        addresses = _wait_listening(process, port)
        assert set(addresses) <= LOOPBACK_HEX, f"listening beyond loopback: {addresses}"
        if mode == "--tcp":
            _initialize_over_tcp(port)
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize("mode", ["--tcp", "--ws"])
def test_other_hosts_get_a_loud_warning(mode: str) -> None:
    """Told to listen on every interface, the server does so but says it on stderr; the test
    only ever connects over loopback."""
    process, port = _serve_network(mode, "--host", "0.0.0.0")
    try:
        addresses = _wait_listening(process, port)
        assert set(addresses) & ANY_HEX, addresses
    finally:
        process.kill()
        _, stderr = process.communicate()
    assert b"WARNING" in stderr and b"0.0.0.0" in stderr, stderr[-2000:]


def _initialize_over_tcp(port: int) -> None:
    body = (
        b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":'
        b'{"processId":null,"rootUri":null,"capabilities":{}}}'
    )
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        received = b""
        while b'"capabilities"' not in received:
            chunk = connection.recv(65536)
            assert chunk, f"connection closed: {received!r}"
            received += chunk


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HardenedPeer]:
    server = start_peer(tmp_path_factory.mktemp("security-cache"))
    yield server
    server.close()


def test_search_injection_table(peer: HardenedPeer) -> None:
    """Hostile queries are text to search for: a list (maybe empty) every time, never an
    internal error; afterwards the database is whole and nothing was attached or written."""
    before = peer.request("workspace/symbol", {"query": "dumps"})["result"]
    assert before, "search for 'dumps' found nothing before the injection table"
    failures: dict[str, Any] = {}
    for query in INJECTIONS:
        answer = peer.request("workspace/symbol", {"query": query}, timeout=20)
        if "error" in answer or not isinstance(answer.get("result"), list):
            failures[query[:40]] = answer.get("error", answer.get("result"))
    assert not failures, failures
    after = peer.request("workspace/symbol", {"query": "dumps"})["result"]
    assert [s["name"] for s in after] == [s["name"] for s in before]
    assert not (ROOT / "hardening-attached.db").exists()
    peer.known_hover()


def _inside(uri: str, root: Path) -> Path:
    parsed = urlparse(uri)
    assert parsed.scheme == "file", uri
    path = Path(unquote(parsed.path)).resolve()
    assert path.is_relative_to(root.resolve()), f"{uri} is outside the cache {root}"
    return path


HOSTILE_NAMES = [
    "../../../../../tmp/hardening-escape",
    "..",
    ".",
    "/etc/passwd",
    "a/../../b",
    "dir\\..\\..\\win",
    "nul\x00byte",
    "spaces and ; semicolons",
    "%2e%2e%2fencoded",
    "\N{PILE OF POO}.emoji",
    "x" * 600,
    "-leading-dash",
    "~home",
]


@pytest.fixture
def hostile_database(bundled_db: Path, tmp_path: Path) -> Path:
    """The bundled database plus entries whose names try to escape any directory."""
    database = tmp_path / "hostile.sqlite"
    shutil.copyfile(bundled_db, database)
    connection = sqlite3.connect(database)
    with connection:
        docset = connection.execute("SELECT id FROM docsets LIMIT 1").fetchone()[0]
        for index, name in enumerate(HOSTILE_NAMES):
            qualname = f"hostilemod.{name}"
            cursor = connection.execute(
                "INSERT INTO entries (docset_id, qualname, name, kind, parent, signature, "
                "summary, body, url, priority) VALUES (?, ?, ?, 'function', 'hostilemod', '()', "
                "?, ?, '', 0)",
                (docset, qualname, f"zzhostile{index} {name}", f"Hostile entry {index}.", "Body."),
            )
            connection.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, name, qualname_words) VALUES (?, ?, ?)",
                (cursor.lastrowid, f"zzhostile{index} {name}", qualname_words(qualname)),
            )
    connection.close()
    return database


def test_symbol_locations_stay_inside_the_cache(hostile_database: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    server = start_peer(cache, "--no-bundled", "--db", str(hostile_database))
    try:
        queries = [f"zzhostile{i}" for i in range(len(HOSTILE_NAMES))]
        queries += ["hostilemod", "dumps", "join", "a", "e", "__init__", "..", "/", "~"]
        seen = 0
        for query in queries:
            answer = server.request("workspace/symbol", {"query": query}, timeout=20)
            assert "result" in answer, answer
            for symbol in answer["result"] or []:
                location = symbol.get("location", {})
                if "uri" in location:
                    page = _inside(location["uri"], cache)
                    assert page.is_file() or "range" not in location, page
                    seen += 1
        assert seen > len(HOSTILE_NAMES), "too few symbols to judge"
        assert not Path("/tmp/hardening-escape.md").exists()
        assert not list(tmp_path.glob("*.md")), "a page was written beside the cache"
    finally:
        server.close()


def _behind(peer: HardenedPeer, big: dict[str, Any]) -> float:
    """Send a hover in a big document, then the known hover; seconds until the known one is
    answered (both must be answered, the big one with a result or null, not an error)."""
    ids = {}
    for name, params in (("big", big), ("known", peer.known_hover_params())):
        peer._next_id += 1
        ids[peer._next_id] = name
        peer.send(
            {
                "jsonrpc": "2.0",
                "id": peer._next_id,
                "method": "textDocument/hover",
                "params": params,
            }
        )
    started = time.monotonic()
    answers: dict[str, dict[str, Any]] = {}
    elapsed = 0.0
    while len(answers) < 2:
        message = peer.wait_for(lambda m: m.get("id") in ids and "method" not in m, timeout=60)
        answers[ids[message["id"]]] = message
        if ids[message["id"]] == "known":
            elapsed = time.monotonic() - started
    assert "error" not in answers["big"], answers["big"]
    assert "Serialize" in hover_value(answers["known"])
    return elapsed


def test_long_line_and_huge_document_do_not_stall_hovers(peer: HardenedPeer) -> None:
    """A 2 MB line and a 50 MB document are opened and hovered; a hover in a normal document
    sent right behind each of those is answered within a second."""
    long_line = "import json\nx = " + "json.dumps(1) + " * 125_000 + "0\n"
    filler = "os.path.join('a', 'b')  # filler line of the huge document\n"
    huge = "import os\n" + filler * 900_000
    assert len(huge) > 50_000_000
    stalls = []
    for uri, text, line, width in (
        ("file:///hardening/long_line.py", long_line, 1, len(long_line)),
        ("file:///hardening/huge.py", huge, 450_000, len(filler)),
    ):
        peer.open(uri, text)
        peer.known_hover(timeout=60)  # the open itself is parsed before anything else
        for character in (9, width // 2, 10**6):
            big = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
            stalls.append(_behind(peer, big))
        peer.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    print(f"\nknown hover behind big-document hovers: {[round(s, 3) for s in stalls]} s")
    assert max(stalls) < 1.0, f"known hover took up to {max(stalls):.2f} s beside big documents"
