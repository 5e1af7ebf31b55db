"""Fixtures every test suite shares: the real bundled database and the editor-tool policy."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.venvs import Venv, cached_venv, create_venv

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DB = ROOT / "data" / "python-3.11.sqlite"

#: CI sets this so a missing editor or tool fails the run instead of skipping.
REQUIRE_EDITORS = os.environ.get("DOCS_DAEMON_REQUIRE_EDITORS") == "1"


def pytest_configure(config: pytest.Config) -> None:
    """Every server the tests start sees the same world, whatever this machine has: an
    empty virtual environment (not the interpreter on PATH with whatever it has installed)
    and a docset library of its own (never the user's). Tests about environments and
    libraries name theirs explicitly (the ``python`` setting, ``--data-dir``)."""
    if hasattr(config, "workerinput"):
        return  # set up once, by the controlling process
    world = Path(tempfile.mkdtemp(prefix="docs-daemon-tests-"))
    create_venv(world / "empty-venv")
    os.environ["VIRTUAL_ENV"] = str(world / "empty-venv")
    os.environ["XDG_DATA_HOME"] = str(world / "data")


@pytest.fixture(scope="session")
def bundled_db() -> Path:
    """The shipped stdlib database, built by the real builder from the real Python docs."""
    if not BUNDLED_DB.is_file():
        pytest.fail(f"{BUNDLED_DB} is missing: build it (see data/README.md)")
    return BUNDLED_DB


def require_tool(name: str, install_hint: str) -> str:
    """Return the tool's path; skip locally, fail in CI, when it is not installed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed: {install_hint}"
        if REQUIRE_EDITORS:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def real_venv(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A real virtual environment with werkzeug, jinja2 and django installed from PyPI by pip
    (pinned in ``tests/venvs.py``; built once, kept in pytest's cache directory)."""
    cache = getattr(pytestconfig, "cache", None)  # absent under -p no:cacheprovider
    return cached_venv(cache.mkdir("venvs") if cache else tmp_path_factory.mktemp("venvs"))
