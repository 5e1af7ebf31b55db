"""Distribution metadata read from real installs, and from broken ones next to them."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path, PurePosixPath

import pytest

from docs_daemon.environment import (
    Distribution,
    find_environment,
    normalise_name,
    read_distributions,
)
from tests.venvs import Venv


def without_files(distribution: Distribution) -> Distribution:
    return dataclasses.replace(distribution, files=())


def test_real_distributions(real_venv: Venv) -> None:
    site = real_venv.site_packages
    found = read_distributions([site])
    assert set(found) >= {"werkzeug", "jinja2", "markupsafe", "django", "asgiref", "sqlparse"}
    assert without_files(found["jinja2"]) == Distribution(
        name="Jinja2",
        key="jinja2",
        version="3.1.6",
        top_level=("jinja2",),  # no top_level.txt in this wheel: derived from RECORD
        project_urls={
            "Changes": "https://jinja.palletsprojects.com/changes/",
            "Chat": "https://discord.gg/pallets",
            "Documentation": "https://jinja.palletsprojects.com/",
            "Donate": "https://palletsprojects.com/donate",
            "Source": "https://github.com/pallets/jinja/",
        },
        summary="A very fast and expressive template engine.",
        location=site,
        files=(),
        metadata_path=site / "jinja2-3.1.6.dist-info",
    )
    assert PurePosixPath("jinja2/environment.py") in found["jinja2"].files
    assert found["jinja2"].documentation_url == "https://jinja.palletsprojects.com/"
    assert found["jinja2"].homepage_url == ""
    django = found["django"]
    assert (django.name, django.version, django.top_level) == ("Django", "5.2.19", ("django",))
    assert django.homepage_url == "https://www.djangoproject.com/"
    assert django.documentation_url == "https://docs.djangoproject.com/"
    assert PurePosixPath("django/db/models/base.py") in django.files
    werkzeug = found["werkzeug"]
    assert (werkzeug.name, werkzeug.summary) == (
        "Werkzeug",
        "The comprehensive WSGI web application library.",
    )


def test_distribution_of_a_module(real_venv: Venv) -> None:
    environment = find_environment(str(real_venv.path), None, {"PATH": ""})
    assert environment.distribution_of("jinja2") is environment.distributions["jinja2"]
    assert environment.distribution_of("django.db.models") is environment.distributions["django"]
    assert environment.distribution_of("markupsafe") is environment.distributions["markupsafe"]
    assert environment.distribution_of("json") is None


@pytest.fixture
def damaged_site(real_venv: Venv, tmp_path: Path) -> Path:
    """Real jinja2 and markupsafe metadata, beside distributions whose metadata is broken."""
    site = tmp_path / "site-packages"
    site.mkdir()
    for name in ("jinja2-3.1.6.dist-info", "markupsafe-3.0.4.dist-info"):
        shutil.copytree(real_venv.site_packages / name, site / name)
    (site / "nometa-1.0.dist-info").mkdir()
    (site / "nometa-1.0.dist-info" / "RECORD").write_text("nometa/__init__.py,,\n")
    (site / "binary-1.0.dist-info").mkdir()
    (site / "binary-1.0.dist-info" / "METADATA").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (site / "prose-1.0.dist-info").mkdir()
    (site / "prose-1.0.dist-info" / "METADATA").write_text("this is not metadata at all\n")
    (site / "nameless-1.0.dist-info").mkdir()
    (site / "nameless-1.0.dist-info" / "METADATA").write_text("Version: 1.0\n")
    return site


def test_broken_metadata_is_one_line_each_and_the_rest_is_read(damaged_site: Path) -> None:
    warnings: list[str] = []
    found = read_distributions([damaged_site], warnings=warnings)
    assert sorted(found) == ["jinja2", "markupsafe"]
    assert warnings == [
        f"{damaged_site / 'binary-1.0.dist-info'}: METADATA is not UTF-8 text; skipped",
        f"{damaged_site / 'nameless-1.0.dist-info'}: METADATA has no Name field; skipped",
        f"{damaged_site / 'nometa-1.0.dist-info'}: no METADATA file; skipped",
        f"{damaged_site / 'prose-1.0.dist-info'}: METADATA has no Name field; skipped",
    ]


def test_broken_metadata_inside_a_venv_reaches_the_environment(
    trap_venv: Venv, tmp_path: Path
) -> None:
    (trap_venv.site_packages / "nometa-1.0.dist-info").mkdir()
    environment = find_environment(str(trap_venv.path), None, {"PATH": ""})
    assert list(environment.distributions) == ["trap-pkg"]
    assert environment.warnings == (
        f"{trap_venv.site_packages / 'nometa-1.0.dist-info'}: no METADATA file; skipped",
    )


def test_first_site_directory_wins(real_venv: Venv, damaged_site: Path) -> None:
    found = read_distributions([damaged_site, real_venv.site_packages])
    assert found["jinja2"].location == damaged_site
    assert found["django"].location == real_venv.site_packages


def test_egg_info_forms(tmp_path: Path) -> None:
    """Older installs: an egg-info folder with installed-files.txt, and a single-file one."""
    egg = tmp_path / "Old_Thing-0.9-py3.11.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text(
        "Metadata-Version: 1.1\nName: Old_Thing\nVersion: 0.9\nSummary: old\n"
        "Home-page: https://old.example.org/\n"
    )
    (egg / "top_level.txt").write_text("old_thing\n")
    (egg / "installed-files.txt").write_text("../old_thing/__init__.py\nPKG-INFO\n")
    (tmp_path / "single-1.0.egg-info").write_text(
        "Metadata-Version: 1.0\nName: single\nVersion: 1.0\n"
    )
    found = read_distributions([tmp_path])
    assert found["old-thing"] == Distribution(
        name="Old_Thing",
        key="old-thing",
        version="0.9",
        top_level=("old_thing",),
        project_urls={"Homepage": "https://old.example.org/"},
        summary="old",
        location=tmp_path,
        files=(
            PurePosixPath("old_thing/__init__.py"),
            PurePosixPath("Old_Thing-0.9-py3.11.egg-info/PKG-INFO"),
        ),
        metadata_path=egg,
    )
    assert found["single"].files == () and found["single"].top_level == ()


def test_top_level_guessed_from_the_name_when_nothing_lists_files(tmp_path: Path) -> None:
    """System packages often ship a single-file egg-info beside ``name.py``."""
    (tmp_path / "py_notify-0.9.egg-info").write_text("Name: py-notify\nVersion: 0.9\n")
    (tmp_path / "py_notify.py").write_text('"""Events."""\n')
    (tmp_path / "Other-1.0.egg-info").write_text("Name: Other\nVersion: 1.0\n")
    (tmp_path / "other").mkdir()
    found = read_distributions([tmp_path])
    assert (found["py-notify"].top_level, found["other"].top_level) == (("py_notify",), ("other",))


def test_top_level_from_record(tmp_path: Path) -> None:
    info = tmp_path / "mixed-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: mixed\nVersion: 1.0\n")
    (info / "RECORD").write_text(
        "mixed/__init__.py,,\nmixed/sub/x.py,,\nsolo.py,,\n_speed.cpython-311-x86_64-linux-gnu.so,,\n"
        "mixed-1.0.dist-info/METADATA,,\n../../../bin/mixed,,\nmixed.pth,,\n"
        "__pycache__/solo.cpython-311.pyc,,\nmixed-1.0.data/scripts/x,,\n"
    )
    assert read_distributions([tmp_path])["mixed"].top_level == ("mixed", "solo", "_speed")


def test_missing_site_directory_reads_as_empty(tmp_path: Path) -> None:
    assert read_distributions([tmp_path / "nope"]) == {}


@pytest.mark.parametrize(
    ("name", "key"),
    [("Jinja2", "jinja2"), ("zope.interface", "zope-interface"), ("Foo__Bar-.baz", "foo-bar-baz")],
)
def test_normalised_names(name: str, key: str) -> None:
    assert normalise_name(name) == key
