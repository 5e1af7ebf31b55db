"""The code nobody here wrote: six PyPI packages at pinned versions in a scratch venv kept in
the cache directory (keyed by the pins), and the ``.py`` files the benchmark reads."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The measured packages. Other packages check the result independently: keep to these.
PINS = {
    "pip": "26.3",
    "setuptools": "84.2.1",
    "urllib3": "2.8.0",
    "jinja2": "3.1.6",
    "werkzeug": "3.1.9",
    "sqlalchemy": "2.1.9",
}
#: Import names of the packages (the directories under site-packages).
PACKAGES = tuple(PINS)
#: Vendored copies of other projects (``pip/_vendor``) are other packages' code: left out.
EXCLUDED_PARTS = frozenset({"_vendor", "__pycache__"})


def use_packages(spec: str) -> None:
    """Judge other packages than the measured ones (``requests==2.32.3,click==8.1.8``): how
    others check that the results hold on code the work was not measured on."""
    global PACKAGES
    pins: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, separator, version = item.partition("==")
        if not separator or not name or not version:
            raise ValueError(f"{item!r} is not NAME==VERSION")
        pins[name.strip().lower()] = version.strip()
    if not pins:
        raise ValueError("no packages named")
    PINS.clear()
    PINS.update(pins)
    PACKAGES = tuple(pins)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docs-daemon-bench" / "accuracy"


def pins_key() -> str:
    """A short key for everything the corpus depends on (pins and the interpreter)."""
    text = json.dumps([PINS, sys.version_info[:2]], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Corpus:
    venv: Path
    site_packages: Path
    #: Paths relative to ``site_packages`` (posix), sorted.
    files: tuple[str, ...]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def read(self, relative: str) -> str:
        return (self.site_packages / relative).read_text(encoding="utf-8")


def ensure_venv(cache_dir: Path) -> Path:
    """The scratch venv for the pins, made on first use (a marker file says it is complete)."""
    venv = cache_dir / f"venv-{pins_key()}"
    marker = venv / "pins.json"
    if marker.exists() and json.loads(marker.read_text()) == PINS:
        return venv
    print(f"corpus: installing {', '.join(f'{n}=={v}' for n, v in PINS.items())} -> {venv}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pins = [f"{name}=={version}" for name, version in PINS.items()]
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *pins], check=True
    )
    marker.write_text(json.dumps(PINS))
    return venv


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise SystemExit(f"error: no site-packages in {venv}")
    return found[0]


def load(cache_dir: Path) -> Corpus:
    venv = ensure_venv(cache_dir)
    root = site_packages(venv)
    files = sorted(
        path.relative_to(root).as_posix()
        for package in PACKAGES
        for path in (root / package).rglob("*.py")
        if not EXCLUDED_PARTS.intersection(path.relative_to(root).parts)
    )
    return Corpus(venv, root, tuple(files))


def package_of(relative: str) -> str:
    """The project a file belongs to: its top directory, or ``pip/_vendor/X`` -> ``X``."""
    parts = relative.split("/")
    if "_vendor" in parts:
        index = parts.index("_vendor")
        if index + 1 < len(parts):
            return parts[index + 1].removesuffix(".py")
    return parts[0].removesuffix(".py")
