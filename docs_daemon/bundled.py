"""Finds the Python standard library database that ships with docs-daemon."""

from __future__ import annotations

from pathlib import Path

BUNDLED_NAME = "python-3.11.sqlite"


def bundled_database_path() -> Path:
    """Return the bundled database, installed (wheel) or in a source checkout."""
    package_dir = Path(__file__).resolve().parent
    candidates = (
        package_dir / "bundled" / BUNDLED_NAME,  # inside an installed wheel
        package_dir.parent / "data" / BUNDLED_NAME,  # a source checkout / editable install
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"the bundled database {BUNDLED_NAME} is missing (looked in "
        + ", ".join(str(c.parent) for c in candidates)
        + "); reinstall docs-daemon or pass --db PATH"
    )
