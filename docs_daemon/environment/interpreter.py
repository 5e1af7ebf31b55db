"""What an environment's Python is, learnt without running the user's code.

A virtual environment describes itself in ``pyvenv.cfg``: no process is needed. A bare
interpreter is asked once, isolated (``-I``: no environment variables, no user site, no
current directory on ``sys.path``) and without ``site`` (``-S``: ``.pth`` files may hold
``import`` lines that execute code, and ``sitecustomize`` is user code).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: How long the one interpreter call may take (a cold start on a loaded machine, a slow shim).
PROBE_TIMEOUT = 10.0

#: ``lib/python3.12``, ``lib/python3.13t`` (free-threaded), ``lib/pypy3.10``.
_LIB_DIRECTORY = re.compile(r"(?:python|pypy)(\d+)\.(\d+)t?")

#: Printed by the interpreter: only the standard library's ``sys`` and ``site`` modules.
_PROBE = (
    "import json, site, sys; print(json.dumps({"
    "'version': list(sys.version_info[:2]), 'executable': sys.executable, "
    "'prefix': sys.prefix, 'site': site.getsitepackages(), "
    "'user_site': site.getusersitepackages()}))"
)


class EnvironmentNotFound(Exception):  # noqa: N818 -- the name other modules code against
    """No usable Python environment; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class VenvConfig:
    """What ``pyvenv.cfg`` says about a virtual environment."""

    version: tuple[int, int] | None
    include_system_site_packages: bool


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What a bare interpreter reports about itself."""

    executable: Path | None
    prefix: Path
    version: tuple[int, int]
    site_packages: tuple[Path, ...]
    user_site: Path | None


def read_venv_config(venv: Path) -> VenvConfig:
    """Parse ``pyvenv.cfg`` (``key = value`` lines; ``uv`` and ``virtualenv`` write
    ``version_info``, ``venv`` writes ``version``)."""
    config = venv / "pyvenv.cfg"
    try:
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise EnvironmentNotFound(f"{config}: cannot read: {error.strerror or error}") from None
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals:
            values[key.strip().lower()] = value.strip()
    version = _version(values.get("version_info", "")) or _version(values.get("version", ""))
    include = values.get("include-system-site-packages", "false").lower() == "true"
    return VenvConfig(version=version, include_system_site_packages=include)


def _version(text: str) -> tuple[int, int] | None:
    parts = text.split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]), int(parts[1])
    return None


def probe_interpreter(python: Path, environ: Mapping[str, str]) -> ProbeResult:
    """One isolated call of ``python``; any failure is an :class:`EnvironmentNotFound`."""
    try:
        completed = subprocess.run(
            [str(python), "-I", "-S", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            env=dict(environ),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise EnvironmentNotFound(
            f"{python} did not answer within {PROBE_TIMEOUT:g} s; is it a Python interpreter?"
        ) from None
    except OSError as error:
        raise EnvironmentNotFound(f"cannot run {python}: {error.strerror or error}") from None
    if completed.returncode != 0:
        lines = [line.strip() for line in completed.stderr.splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {completed.returncode}"
        raise EnvironmentNotFound(f"{python} is not a usable Python 3 interpreter: {detail}")
    try:
        answer = json.loads(completed.stdout.strip().splitlines()[-1])
        version = (int(answer["version"][0]), int(answer["version"][1]))
        prefix = Path(answer["prefix"])
        sites = tuple(Path(p) for p in answer["site"] if isinstance(p, str))
        user_site = answer.get("user_site")
        executable = answer.get("executable")
    except (ValueError, LookupError, TypeError):
        raise EnvironmentNotFound(f"{python} did not report its version and paths") from None
    return ProbeResult(
        executable=Path(executable) if isinstance(executable, str) and executable else None,
        prefix=prefix,
        version=version,
        site_packages=sites,
        user_site=Path(user_site) if isinstance(user_site, str) and user_site else None,
    )


def venv_site_packages(venv: Path, version: tuple[int, int] | None) -> tuple[Path, ...]:
    """The venv's own site-packages: ``lib/pythonX.Y/site-packages`` (also ``pythonX.Yt`` and
    PyPy's ``pypyX.Y``), or ``Lib/site-packages`` on Windows."""
    windows = venv / "Lib" / "site-packages"
    if os.name == "nt" and windows.is_dir():
        return (windows,)
    candidates = sorted((venv / "lib").glob("*/site-packages"))
    if version is not None:
        matching = [c for c in candidates if _lib_version(c.parent.name) == version]
        candidates = matching or candidates
    found = tuple(c for c in candidates if c.is_dir())
    if not found and windows.is_dir():
        return (windows,)
    return found


def version_from_site_packages(site_packages: tuple[Path, ...]) -> tuple[int, int] | None:
    """``lib/python3.12/site-packages`` → ``(3, 12)``, for a ``pyvenv.cfg`` without a version."""
    for site in site_packages:
        version = _lib_version(site.parent.name)
        if version is not None:
            return version
    return None


def _lib_version(directory_name: str) -> tuple[int, int] | None:
    match = _LIB_DIRECTORY.fullmatch(directory_name)
    return (int(match[1]), int(match[2])) if match else None


def venv_interpreter(venv: Path) -> Path | None:
    """The venv's interpreter when it is still there (a venv outlives a removed base Python,
    and can still be read)."""
    for candidate in (
        venv / "bin" / "python",
        venv / "bin" / "python3",
        venv / "Scripts" / "python.exe",
    ):
        if candidate.exists():
            return candidate
    return None
