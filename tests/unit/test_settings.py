"""Client settings: camelCase in, checked values out, every bad value reported, never raised."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_daemon.settings import WIRE_NAMES, Settings, parse_settings, to_wire


def test_defaults_round_trip() -> None:
    settings, warnings = parse_settings(to_wire(Settings()))
    assert settings == Settings() and warnings == []


def test_values_apply_over_a_base() -> None:
    base = Settings(max_results=9)
    settings, warnings = parse_settings({"hoverMaxLength": 500, "databases": ["~/x.sqlite"]}, base)
    assert warnings == []
    assert settings.max_results == 9
    assert settings.hover_max_length == 500
    assert settings.databases == (Path("~/x.sqlite").expanduser(),)


@pytest.mark.parametrize(
    "raw",
    [
        {"maxResults": "10"},
        {"maxResults": 0},
        {"maxResults": True},
        {"hoverMaxLength": 10**9},
        {"databases": "one.sqlite"},
        {"docsets": [1, 2]},
        {"bundled": "yes"},
        {"python": 3},
        {"downloads": "sometimes"},
        {"mystery": 1},
    ],
)
def test_bad_values_warn_and_keep_defaults(raw: dict[str, object]) -> None:
    settings, warnings = parse_settings(raw)
    assert settings == Settings()
    assert len(warnings) == 1 and next(iter(raw)) in warnings[0]


def test_non_object_settings() -> None:
    settings, warnings = parse_settings(["not", "an", "object"])
    assert settings == Settings() and "object" in warnings[0]


def test_every_field_has_a_wire_name() -> None:
    assert set(WIRE_NAMES.values()) == set(Settings.__dataclass_fields__)


def test_environment_settings() -> None:
    settings, warnings = parse_settings({"python": "/opt/venv", "downloads": "never"})
    assert warnings == []
    assert (settings.python, settings.downloads) == ("/opt/venv", "never")
