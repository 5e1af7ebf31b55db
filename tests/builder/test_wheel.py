"""The built wheel carries the bundled database, and a fresh install finds and reads it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docs_daemon.bundled import BUNDLED_NAME

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ROOT, cwd=out)
    (built,) = out.glob("docs_daemon-*.whl")
    return built


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_wheel_contains_the_bundled_database(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        inside = zf.read(f"docs_daemon/bundled/{BUNDLED_NAME}")
    assert "docs_daemon/builder/command.py" in names
    assert _sha256(inside) == _sha256((ROOT / "data" / BUNDLED_NAME).read_bytes())


def test_fresh_install_reads_the_bundled_database(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    help_text = _run(venv / "bin" / "docs-daemon", "--help", cwd=tmp_path).stdout
    assert "build" in help_text and "serve" in help_text
    script = (
        "import sqlite3, docs_daemon, docs_daemon.bundled as b\n"
        "path = b.bundled_database_path()\n"
        "c = sqlite3.connect(path.as_uri() + '?mode=ro', uri=True)\n"
        "print(docs_daemon.__file__)\n"
        "print(path)\n"
        "print(c.execute('SELECT count(*) FROM entries').fetchone()[0])\n"
        "row = c.execute(\"SELECT summary FROM entries WHERE qualname = 'json.dumps'\").fetchone()\n"
        "print(' '.join(row[0].split()))\n"
    )
    package_file, path, count, summary = _run(
        python, "-c", script, cwd=tmp_path
    ).stdout.splitlines()
    assert package_file.startswith(str(venv)), "imported the checkout instead of the wheel"
    assert path.startswith(str(venv)) and path.endswith(f"bundled/{BUNDLED_NAME}")
    assert int(count) > 9309
    assert summary.startswith("Serialize *obj* to a JSON formatted")
