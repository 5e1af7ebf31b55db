"""Environments for the discovery tests: the shared real one, and small ones made per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.venvs import Venv, build_wheel, create_venv, pip_install

#: Imported, this package leaves a file behind and then fails: proof of any import.
TRAP_INIT = '''"""A package that must never be imported by docs-daemon."""
import pathlib, os
pathlib.Path(os.environ["TRAP_FILE"]).write_text("imported")
raise RuntimeError("imported")


def documented(x: int = 1) -> int:
    """Read statically, never run."""
    return x
'''

#: A ``.pth`` line starting with ``import`` is executed by ``site`` at interpreter start.
TRAP_PTH = 'import pathlib, os; pathlib.Path(os.environ["TRAP_FILE"]).write_text("pth")\n'


@pytest.fixture(scope="session")
def trap_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wheels")
    return build_wheel(directory, "trap_pkg", "1.0", {"trap_pkg/__init__.py": TRAP_INIT})


@pytest.fixture
def trap_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the trap would write; the variable reaches any interpreter we would start."""
    path = tmp_path / "trap-sprung"
    monkeypatch.setenv("TRAP_FILE", str(path))
    return path


@pytest.fixture
def trap_venv(tmp_path: Path, trap_wheel: Path) -> Venv:
    """A fresh venv with only the trap package installed, by pip."""
    made = create_venv(tmp_path / "trap-venv")
    pip_install(made, trap_wheel)
    return made
