"""Real virtual environments for tests, with real distributions installed from PyPI by pip.

The environment with the pinned packages is built once and kept in pytest's cache directory
(keyed by the pins and the Python version), so later runs reuse it; a marker written last
tells a complete one from an interrupted build, which is rebuilt.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

#: What the shared environment holds: exact versions, dependencies included.
PINNED = (
    "werkzeug==3.1.9",
    "jinja2==3.1.6",
    "markupsafe==3.0.4",
    "django==5.2.19",
    "asgiref==3.13.0",
    "sqlparse==0.6.1",
)


@dataclass(frozen=True, slots=True)
class Venv:
    """A virtual environment on disk."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def site_packages(self) -> Path:
        version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        return self.path / "lib" / version / "site-packages"


def create_venv(path: Path, *, system_site_packages: bool = False) -> Venv:
    """A fresh, empty environment (no pip inside: packages go in through this pip)."""
    venv.EnvBuilder(
        with_pip=False, symlinks=True, system_site_packages=system_site_packages
    ).create(path)
    return Venv(path)


def pip_install(target: Venv, *requirements: str | Path) -> None:
    """Install into ``target`` with the test interpreter's own pip (``--python``); local
    wheels alone install without asking the index."""
    local = all(isinstance(r, Path) for r in requirements)
    command = [
        sys.executable, "-m", "pip", "--python", str(target.python), "install",
        "--quiet", "--disable-pip-version-check", "--no-input",
        *(["--no-index", "--no-deps"] if local else []), *map(str, requirements),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"pip install failed:\n{completed.stdout}\n{completed.stderr}")


def cached_venv(cache_root: Path, requirements: tuple[str, ...] = PINNED) -> Venv:
    """The environment with ``requirements``, built on first use and reused afterwards."""
    key = hashlib.sha256("\n".join((sys.version, *requirements)).encode()).hexdigest()[:16]
    path = cache_root / f"venv-{key}"
    complete = path / ".complete"
    cache_root.mkdir(parents=True, exist_ok=True)
    with _locked(cache_root / f"venv-{key}.lock"):
        if complete.is_file():
            return Venv(path)
        shutil.rmtree(path, ignore_errors=True)  # an interrupted build
        built = create_venv(path)
        pip_install(built, *requirements)
        complete.write_text("\n".join(requirements) + "\n")
        return built


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_wheel(directory: Path, name: str, version: str, files: Mapping[str, str]) -> Path:
    """A minimal, valid pure-Python wheel holding ``files`` (path → text), for pip to install.

    Lets a test install a package with a hostile ``__init__`` without a build backend.
    """
    dist_info = f"{name}-{version}.dist-info"
    contents = {
        **files,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        f"Summary: {name} for tests\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = [f"{path},{_digest(text)},{len(text.encode())}" for path, text in contents.items()]
    record.append(f"{dist_info}/RECORD,,")
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in contents.items():
            archive.writestr(path, text)
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return wheel


def _digest(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
