"""Fixtures every test suite shares: the real bundled database and the editor-tool policy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.venvs import Venv, cached_venv

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DB = ROOT / "data" / "python-3.11.sqlite"

#: CI sets this so a missing editor or tool fails the run instead of skipping.
REQUIRE_EDITORS = os.environ.get("DOCS_DAEMON_REQUIRE_EDITORS") == "1"


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
