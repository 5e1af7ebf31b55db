"""The server's settings as clients send them (camelCase JSON), checked and defaulted."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Settings:
    """What a client may set through ``initializationOptions`` or ``didChangeConfiguration``."""

    #: Extra database files, before the bundled one in precedence.
    databases: tuple[Path, ...] = ()
    #: Load the bundled Python standard library docs.
    bundled: bool = True
    #: Only these docsets; empty means all.
    docsets: tuple[str, ...] = ()
    #: Most completion items / workspace symbols returned.
    max_results: int = 50
    #: Most characters of documentation body in a hover or completion documentation.
    hover_max_length: int = 4000
    #: The workspace's interpreter or virtual environment ("" = find it: ``$VIRTUAL_ENV``,
    #: ``.venv``/``venv`` in the workspace, ``python3`` on PATH).
    python: str = ""
    #: Official docs of imported libraries: ask before downloading, download, or never
    #: (docstrings serve meanwhile).
    downloads: str = "ask"


#: camelCase wire name → field name.
WIRE_NAMES = {
    "databases": "databases",
    "bundled": "bundled",
    "docsets": "docsets",
    "maxResults": "max_results",
    "hoverMaxLength": "hover_max_length",
    "python": "python",
    "downloads": "downloads",
}

DOWNLOAD_CHOICES = ("ask", "auto", "never")

_BOUNDS = {"max_results": (1, 1000), "hover_max_length": (200, 100_000)}


def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Apply the client's JSON object over ``base``; return the result and readable warnings.

    Bad values never raise: each is reported and the previous value kept, so a typo in an
    editor's settings file degrades one setting instead of the server.
    """
    settings = base or Settings()
    if raw is None:
        return settings, []
    if not isinstance(raw, dict):
        return settings, [f"settings must be an object, got {type(raw).__name__}; using defaults"]
    warnings: list[str] = []
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        name = WIRE_NAMES.get(key)
        if name is None:
            known = ", ".join(WIRE_NAMES)
            warnings.append(f"unknown setting {key!r} ignored (known: {known})")
            continue
        if value is None:
            continue
        parsed = _parse_value(name, value)
        if parsed is None:
            default = getattr(Settings(), name)
            warnings.append(f"setting {key!r} has an invalid value {value!r}; using {default!r}")
            continue
        changes[name] = parsed
    return replace(settings, **changes), warnings


def _parse_value(name: str, value: Any) -> Any:
    if name == "databases":
        paths = _string_list(value)
        return tuple(Path(p).expanduser() for p in paths) if paths is not None else None
    if name == "docsets":
        return _string_list(value)
    if name == "bundled":
        return value if isinstance(value, bool) else None
    if name == "python":
        return value if isinstance(value, str) else None
    if name == "downloads":
        return value if value in DOWNLOAD_CHOICES else None
    low, high = _BOUNDS[name]
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return None


def to_wire(settings: Settings) -> dict[str, Any]:
    """The settings as a client would send them (for documentation and tests)."""
    by_field = {v: k for k, v in WIRE_NAMES.items()}
    result: dict[str, Any] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, tuple):
            value = [str(v) for v in value]
        result[by_field[f.name]] = value
    return result


__all__ = ["DOWNLOAD_CHOICES", "WIRE_NAMES", "Settings", "parse_settings", "to_wire"]
