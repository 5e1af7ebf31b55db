"""Which Python environment a workspace runs, and what is installed in it.

Order: the ``python`` setting (an interpreter, a virtual environment or a prefix), else
``$VIRTUAL_ENV``, else ``$CONDA_PREFIX``, else ``.venv`` / ``venv`` in the workspace root, else
``python3`` on ``PATH``. A missing or deleted environment is an :class:`EnvironmentNotFound`
with a one-line message; the caller keeps whatever it had.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from docs_daemon.environment.distributions import Distribution, read_distributions
from docs_daemon.environment.interpreter import (
    EnvironmentNotFound,
    probe_interpreter,
    read_venv_config,
    venv_interpreter,
    venv_site_packages,
    version_from_site_packages,
)

#: Virtual environment folders looked for in the workspace root, in this order.
WORKSPACE_VENVS = (".venv", "venv")


@dataclass(frozen=True, slots=True)
class Environment:
    """A Python environment as read from disk: its version, site directories, distributions."""

    #: The interpreter, when known (a venv whose base Python was removed has none).
    python: Path | None
    prefix: Path
    version: tuple[int, int]
    #: In ``sys.path`` order: a distribution in an earlier directory shadows a later one.
    site_packages: tuple[Path, ...]
    #: By PEP 503 key (``jinja2``).
    distributions: Mapping[str, Distribution]
    #: ``"setting"``, ``"VIRTUAL_ENV"``, ``"CONDA_PREFIX"``, ``".venv in the workspace"``,
    #: ``"venv in the workspace"`` or ``"python3 on PATH"``.
    how_found: str
    #: One-line notes about what could not be read (a distribution with broken metadata).
    warnings: tuple[str, ...] = ()
    _by_top_level: Mapping[str, Distribution] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_top_level: dict[str, Distribution] = {}
        for distribution in self.distributions.values():
            for name in distribution.top_level:
                by_top_level.setdefault(name, distribution)
        object.__setattr__(self, "_by_top_level", by_top_level)

    def distribution_of(self, top_level_module: str) -> Distribution | None:
        """The distribution that installs ``top_level_module`` (``yaml`` → PyYAML); for a
        dotted name only its first component counts."""
        return self._by_top_level.get(top_level_module.partition(".")[0])

    def describe(self) -> str:
        """One line for logs and status: ``Python 3.13 at /p/.venv (.venv in the workspace)``."""
        where = self.python or self.prefix
        return f"Python {self.version[0]}.{self.version[1]} at {where} ({self.how_found})"


def find_environment(
    setting: str | None, workspace: Path | None, environ: Mapping[str, str]
) -> Environment:
    """The environment the workspace runs (order in the module docstring)."""
    if setting is not None and setting.strip():
        return _from_setting(setting.strip(), workspace, environ)
    virtual_env = environ.get("VIRTUAL_ENV", "").strip()
    if virtual_env:
        path = Path(virtual_env)
        if not (path / "pyvenv.cfg").is_file():
            raise EnvironmentNotFound(
                f"$VIRTUAL_ENV is {path}, which is not a virtual environment (deleted?)"
            )
        return _from_venv(path, "VIRTUAL_ENV", environ, python=None)
    conda = environ.get("CONDA_PREFIX", "").strip()
    if conda and _prefix_interpreter(Path(conda)) is not None:
        return _from_prefix(Path(conda), "CONDA_PREFIX", environ)
    if workspace is not None:
        for name in WORKSPACE_VENVS:
            if (workspace / name / "pyvenv.cfg").is_file():
                return _from_venv(workspace / name, f"{name} in the workspace", environ, None)
    search_path = environ.get("PATH", os.defpath)
    found = shutil.which("python3", path=search_path) or shutil.which("python", path=search_path)
    if found is None:
        raise EnvironmentNotFound(
            "no Python environment found: set `python`, activate a virtual environment, "
            "or put python3 on PATH"
        )
    return _from_interpreter(Path(found), "python3 on PATH", environ)


def _from_setting(setting: str, workspace: Path | None, environ: Mapping[str, str]) -> Environment:
    """``python`` names an interpreter, a venv or a prefix folder, or a command on PATH."""
    path = Path(setting).expanduser()
    if not path.is_absolute():
        in_workspace = workspace / path if workspace is not None else None
        if in_workspace is not None and in_workspace.exists():
            path = in_workspace
        elif len(path.parts) == 1:  # a command name: "python3.12"
            command = shutil.which(setting, path=environ.get("PATH", os.defpath))
            if command is None:
                raise EnvironmentNotFound(f"setting `python`: no {setting!r} on PATH")
            path = Path(command)
        elif in_workspace is not None:
            path = in_workspace
    if path.is_dir():
        if (path / "pyvenv.cfg").is_file():
            return _from_venv(path, "setting", environ, python=None)
        return _from_prefix(path, "setting", environ)
    if not path.exists():
        raise EnvironmentNotFound(f"setting `python`: {path} does not exist (deleted?)")
    return _from_interpreter(path, "setting", environ)


def _prefix_interpreter(prefix: Path) -> Path | None:
    for candidate in (prefix / "bin" / "python3", prefix / "bin" / "python", prefix / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def _from_prefix(prefix: Path, how_found: str, environ: Mapping[str, str]) -> Environment:
    python = _prefix_interpreter(prefix)
    if python is None:
        raise EnvironmentNotFound(
            f"{how_found}: {prefix} is neither a virtual environment nor a Python installation"
        )
    return _from_interpreter(python, how_found, environ)


def _from_venv(
    venv: Path, how_found: str, environ: Mapping[str, str], python: Path | None
) -> Environment:
    config = read_venv_config(venv)
    sites = venv_site_packages(venv, config.version)
    if not sites:
        raise EnvironmentNotFound(f"{venv}: virtual environment without a site-packages folder")
    version = config.version or version_from_site_packages(sites)
    interpreter = python or venv_interpreter(venv)
    warnings: list[str] = []
    if config.include_system_site_packages:
        # Where the base installation keeps its packages is only known to its interpreter.
        if interpreter is None:
            warnings.append(f"{venv}: the base Python is gone; its packages are not read")
        else:
            try:
                sites = (*sites, *probe_interpreter(interpreter, environ).site_packages)
            except EnvironmentNotFound as error:
                warnings.append(f"{error}; the base installation's packages are not read")
    if version is None:
        raise EnvironmentNotFound(f"{venv}/pyvenv.cfg: no Python version in it")
    return _environment(interpreter, venv, version, sites, how_found, warnings)


def _from_interpreter(python: Path, how_found: str, environ: Mapping[str, str]) -> Environment:
    # bin/python of a venv: read pyvenv.cfg, run nothing (and ``-S`` would hide the venv's
    # site-packages). Not resolved: a venv's interpreter is usually a symlink to the base one.
    venv = python.parent.parent
    if (venv / "pyvenv.cfg").is_file():
        return _from_venv(venv, how_found, environ, python=python)
    probe = probe_interpreter(python, environ)
    sites = list(probe.site_packages)
    user_site = probe.user_site
    if user_site is not None and "PYTHONNOUSERSITE" not in environ and user_site.is_dir():
        sites.insert(0, user_site)  # site.py puts the user site before the global ones
    return _environment(probe.executable or python, probe.prefix, probe.version, sites, how_found)


def _environment(
    python: Path | None,
    prefix: Path,
    version: tuple[int, int],
    sites: tuple[Path, ...] | list[Path],
    how_found: str,
    warnings: list[str] | None = None,
) -> Environment:
    notes = list(warnings or [])
    existing = tuple(dict.fromkeys(site for site in sites if site.is_dir()))
    distributions = read_distributions(existing, warnings=notes)
    return Environment(
        python=python,
        prefix=prefix,
        version=version,
        site_packages=existing,
        distributions=distributions,
        how_found=how_found,
        warnings=tuple(notes),
    )
