"""Real documentation for the builder tests, each database built once per session by the CLI."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_EDITORS

#: Debian's ``python3.11-doc`` and ``python-flask-doc`` install the HTML here (``.ci/run``
#: installs both); the environment variables point elsewhere on other systems.
PYTHON_HTML = Path(os.environ.get("DOCS_DAEMON_PYTHON_HTML", "/usr/share/doc/python3.11/html"))
FLASK_HTML = Path(os.environ.get("DOCS_DAEMON_FLASK_HTML", "/usr/share/doc/python-flask-doc/html"))
PYTHON_BASE_URL = "https://docs.python.org/3.11/"
FLASK_BASE_URL = "https://flask.palletsprojects.com/en/2.2.x/"

#: The test suite's own importable modules (``sample_pkg``) live next to this file.
HERE = Path(__file__).resolve().parent


def run_cli(*args: str | Path, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``docs-daemon`` in a fresh interpreter, as a user would, and capture its output."""
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "docs_daemon", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def require_html(path: Path, package: str) -> Path:
    """Skip locally without the documentation package; in CI (which installs it) fail."""
    if not (path / "objects.inv").is_file():
        message = f"{path} is missing: apt-get install {package}"
        if REQUIRE_EDITORS:
            pytest.fail(message)
        pytest.skip(message)
    return path


def connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture(scope="session")
def python_html() -> Path:
    return require_html(PYTHON_HTML, "python3.11-doc")


@pytest.fixture(scope="session")
def flask_html() -> Path:
    return require_html(FLASK_HTML, "python-flask-doc")


@pytest.fixture(scope="session")
def python_db(python_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stdlib docs built exactly as data/README.md says the bundled file is built."""
    output = tmp_path_factory.mktemp("python") / "python-3.11.sqlite"
    result = run_cli(
        "build", python_html, "--name", "python", "--version-label", "3.11",
        "--base-url", PYTHON_BASE_URL, "--output", output, "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="session")
def flask_db(flask_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("flask") / "flask.sqlite"
    result = run_cli("build", flask_html, "--base-url", FLASK_BASE_URL, "--output", output)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture
def python_conn(python_db: Path) -> Iterator[sqlite3.Connection]:
    yield from connect(python_db)


@pytest.fixture
def flask_conn(flask_db: Path) -> Iterator[sqlite3.Connection]:
    yield from connect(flask_db)
