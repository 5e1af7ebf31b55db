"""An editor session on a workspace whose venv has jinja2: the server builds jinja2's docstring
docset by itself, then (as ``downloads`` says) fetches the official docs from the loopback site
and serves them — no restart, no internet."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.library.conftest import Sites
from tests.venvs import Venv
from tests.wire import WireServer

pytestmark = pytest.mark.slow

URI = "file:///workspace/app.py"
CODE = "from jinja2 import Template\nTemplate('Hello {{ name }}')\n"
#: On ``Template`` in the second line.
POSITION = (1, 3)
DOCSTRINGS_NOTE = "From the docstrings of the installed jinja2 3.1.6"
OFFICIAL_LINK = "https://jinja.palletsprojects.com/en/3.1.x/api.html#jinja2.Template"


def _server(
    tmp_path: Path, sites: Sites | None, *mirrors: tuple[str, str], python_docs_url: str = ""
) -> WireServer:
    args = ["--data-dir", str(tmp_path / "library"), "--cache-dir", str(tmp_path / "cache")]
    for public, mirror in (*(sites.mirrors if sites else ()), *mirrors):
        args += ["--mirror", f"{public}={mirror}"]
    if python_docs_url:
        args += ["--python-docs-url", python_docs_url]
    return WireServer(*args)


def _hover_until(
    server: WireServer, wanted: str, seconds: float = 120.0, position: tuple[int, int] = POSITION
) -> str:
    """Hover (``Template``) until the text holds ``wanted``; the last text seen otherwise."""
    deadline = time.monotonic() + seconds
    value = ""
    while time.monotonic() < deadline:
        result = server.hover(URI, *position, timeout=30).get("result") or {}
        value = str(result.get("contents", {}).get("value", ""))
        if wanted in value:
            return value
        time.sleep(0.5)
    return value


def _questions(server: WireServer) -> list[dict[str, Any]]:
    return [m for m in server.server_requests if m["method"] == "window/showMessageRequest"]


def _messages(server: WireServer) -> list[str]:
    return [
        m["params"]["message"] for m in server.notifications if m["method"] == "window/showMessage"
    ]


def test_never_serves_the_docstrings_and_asks_nothing(tmp_path: Path, real_venv: Venv) -> None:
    server = _server(tmp_path, None)
    try:
        server.initialize({"python": str(real_venv.path), "downloads": "never"})
        server.open(URI, CODE)
        value = _hover_until(server, DOCSTRINGS_NOTE)
        assert DOCSTRINGS_NOTE in value
        assert "A compiled template that can be rendered." in value
        assert "source of the installed jinja2" in value
        assert _questions(server) == []
    finally:
        server.close()


def test_ask_then_download_replaces_the_docstrings_with_the_official_docs(
    tmp_path: Path, real_venv: Venv, sites: Sites
) -> None:
    server = _server(tmp_path, sites)
    server.answers["window/showMessageRequest"] = lambda params: {"title": "Download"}
    try:
        server.initialize({"python": str(real_venv.path)})  # downloads: "ask" by default
        server.open(URI, CODE)
        assert DOCSTRINGS_NOTE in _hover_until(server, DOCSTRINGS_NOTE)
        value = _hover_until(server, OFFICIAL_LINK, seconds=240)
        assert OFFICIAL_LINK in value, value[:500]
        assert DOCSTRINGS_NOTE not in value
        assert "A compiled template that can be rendered." in value
        (question,) = _questions(server)
        assert question["params"]["message"] == "Download the official docs of Jinja2 3.1.6?"
        titles = [action["title"] for action in question["params"]["actions"]]
        assert titles == ["Download", "Not now", "Never for jinja2"]
    finally:
        server.close()


def test_never_for_a_library_is_remembered(tmp_path: Path, real_venv: Venv, sites: Sites) -> None:
    server = _server(tmp_path, sites)
    server.answers["window/showMessageRequest"] = lambda params: {"title": "Never for jinja2"}
    try:
        server.initialize({"python": str(real_venv.path)})
        server.open(URI, CODE)
        assert DOCSTRINGS_NOTE in _hover_until(server, DOCSTRINGS_NOTE)
        deadline = time.monotonic() + 30
        declined = tmp_path / "library" / "declined.json"
        while not declined.exists() and time.monotonic() < deadline:
            server.hover(URI, *POSITION)
            time.sleep(0.2)
        assert json.loads(declined.read_text()) == ["jinja2"]
    finally:
        server.close()
    again = _server(tmp_path, sites)
    try:
        again.initialize({"python": str(real_venv.path)})
        again.open(URI, CODE)
        assert DOCSTRINGS_NOTE in _hover_until(again, DOCSTRINGS_NOTE)
        time.sleep(1.0)
        again.hover(URI, *POSITION)
        assert _questions(again) == []
    finally:
        again.close()


def test_an_unreachable_site_says_so_once_and_the_docstrings_keep_serving(
    tmp_path: Path, real_venv: Venv
) -> None:
    # Every site jinja2's metadata or the registry names is sent to a closed loopback port.
    closed = "http://127.0.0.1:9/"
    server = _server(
        tmp_path,
        None,
        ("https://jinja.palletsprojects.com/", closed),
        ("https://", closed),
        ("http://", closed),
    )
    try:
        server.initialize({"python": str(real_venv.path), "downloads": "auto"})
        server.open(URI, CODE)
        assert DOCSTRINGS_NOTE in _hover_until(server, DOCSTRINGS_NOTE)
        deadline = time.monotonic() + 120
        told: list[str] = []
        while time.monotonic() < deadline and not told:
            server.hover(URI, *POSITION)
            told = [m for m in _messages(server) if "official docs of Jinja2" in m]
            time.sleep(0.5)
        assert len(told) == 1, told
        assert "could not download the official docs of Jinja2 3.1.6" in told[0]
        assert DOCSTRINGS_NOTE in _hover_until(server, DOCSTRINGS_NOTE)
    finally:
        server.close()


def _python_313_venv(root: Path) -> Path:
    """A virtual environment of Python 3.13 as the server sees one: its ``pyvenv.cfg`` and
    site-packages (the version is read from the file; no interpreter is run)."""
    venv = root / "venv-3.13"
    (venv / "lib" / "python3.13" / "site-packages").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(
        "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.13.1\n"
    )
    return venv


def test_a_newer_python_is_told_then_gets_its_own_version_of_the_docs(
    tmp_path: Path, sites: Sites
) -> None:
    from tests.library.test_python_docs import serve_zip_subset

    serve_zip_subset(sites, "/py313/", "3.13")
    server = _server(tmp_path, sites, python_docs_url=sites.server.url + "py313/")
    server.answers["window/showMessageRequest"] = lambda params: {"title": "Download"}
    dumps = (1, 6)  # on ``dumps`` in ``json.dumps``
    try:
        server.initialize({"python": str(_python_313_venv(tmp_path))})
        server.open(URI, "import json\njson.dumps({})\n")
        note = "*Python 3.11 docs; your environment runs Python 3.13.*"
        first = _hover_until(server, note, position=dumps)
        assert note in first and "https://docs.python.org/3.11/library/json.html" in first
        newer = _hover_until(
            server, "https://docs.python.org/3.13/library/json.html", 240, position=dumps
        )
        assert "(https://docs.python.org/3.13/library/json.html#json.dumps)" in newer, newer[:400]
        assert "your environment runs" not in newer
        assert "Serialize" in newer
        (question,) = _questions(server)
        assert question["params"]["message"] == "Download the official docs of Python 3.13?"
    finally:
        server.close()
