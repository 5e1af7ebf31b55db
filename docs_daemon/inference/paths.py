"""Which installed packages inference sees: the workspace environment's site-packages.

Found from files alone (no interpreter is run): the ``python`` setting (an interpreter inside
a virtual environment, or the environment's directory), else ``$VIRTUAL_ENV``, else a
``.venv``/``venv`` directory in the workspace.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def _environment_dir(setting: str, root: Path | None, environ: Mapping[str, str]) -> Path | None:
    if setting:
        path = Path(setting).expanduser()
        if root is not None and not path.is_absolute():
            path = root / path
        for candidate in (path, path.parent, path.parent.parent):
            if (candidate / "pyvenv.cfg").is_file():
                return candidate
        return None
    if environ.get("VIRTUAL_ENV"):
        return Path(environ["VIRTUAL_ENV"])
    if root is not None:
        for name in (".venv", "venv"):
            if (root / name / "pyvenv.cfg").is_file():
                return root / name
    return None


def site_packages(setting: str, root: Path | None, environ: Mapping[str, str]) -> list[Path]:
    """The environment's site-packages directories (empty when none is found)."""
    environment = _environment_dir(setting, root, environ)
    if environment is None:
        return []
    found = sorted(environment.glob("lib/python3*/site-packages"))
    found += [p for p in (environment / "Lib" / "site-packages",) if p.is_dir()]
    return [p for p in found if p.is_dir()]
