"""Docstring docsets read statically from a package pip installed into a real venv.

``static_pkg`` (next to this file) holds each case the reader must get right; its
``__init__`` writes a file and raises when imported, so every test also proves it was not.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.builder.source_docs import build_docstring_docset, public_aliases
from docs_daemon.environment import Distribution, Environment, find_environment
from docs_daemon.vocabulary import Kind
from tests.builder.conftest import HERE, run_cli
from tests.venvs import Venv, build_wheel, create_venv, pip_install

PACKAGE_ROOT = HERE / "static_pkg"
#: Written into the wheel only: a file that does not parse would break the linters here.
BROKEN = 'def broken(:\n    """This file does not parse."""\n'


@pytest.fixture(scope="module")
def trap_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trap") / "sprung"


@pytest.fixture(scope="module")
def static_venv(tmp_path_factory: pytest.TempPathFactory, trap_file: Path) -> Venv:
    files = {
        p.relative_to(PACKAGE_ROOT).as_posix(): p.read_text() for p in PACKAGE_ROOT.rglob("*.py")
    }
    files["static_pkg/broken.py"] = BROKEN
    directory = tmp_path_factory.mktemp("static")
    made = create_venv(directory / "venv")
    pip_install(made, build_wheel(directory, "static_pkg", "2.0", files))
    return made


@pytest.fixture(scope="module")
def environment(static_venv: Venv) -> Environment:
    return find_environment(str(static_venv.path), None, {"PATH": ""})


@pytest.fixture(scope="module")
def distribution(environment: Environment) -> Distribution:
    return environment.distributions["static-pkg"]


@pytest.fixture(scope="module")
def docset(distribution: Distribution, environment: Environment, trap_file: Path) -> Docset:
    os.environ["TRAP_FILE"] = str(trap_file)
    try:
        return build_docstring_docset(distribution, environment=environment)
    finally:
        del os.environ["TRAP_FILE"]


@pytest.fixture(scope="module")
def entries(docset: Docset) -> dict[str, DocEntry]:
    return {entry.qualname: entry for entry in docset.entries}


def url(venv: Venv, module_file: str, line_starting: str | None = None) -> str:
    """The installed file's URI, at the first line that starts with ``line_starting``."""
    file = venv.site_packages / "static_pkg" / module_file
    if line_starting is None:
        return file.as_uri()
    lines = file.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith(line_starting))
    return f"{file.as_uri()}#L{number}"


def test_nothing_was_imported(docset: Docset, trap_file: Path) -> None:
    assert docset.entries
    assert not trap_file.exists()


def test_docset_identity(docset: Docset, static_venv: Venv, distribution: Distribution) -> None:
    assert (docset.name, docset.version, docset.origin, docset.distribution) == (
        "static-pkg",
        "2.0",
        "docstrings",
        "static-pkg",
    )
    assert docset.source == "docstrings of static_pkg 2.0 (installed)"
    assert docset.base_url == ""
    assert len(docset.source_digest) == 64
    broken = static_venv.site_packages / "static_pkg" / "broken.py"
    assert docset.warnings == [f"{broken}: does not parse (line 1: invalid syntax)"]


def test_published_names_kinds_signatures_and_rank(entries: dict[str, DocEntry]) -> None:
    """Each object once, under its published name; tests/ and _vendor/ are not read."""
    table = {q: (e.kind, e.signature, e.priority) for q, e in entries.items()}
    assert table == {
        "static_pkg": (Kind.MODULE, "", 0),
        "static_pkg._core": (Kind.MODULE, "", 0),
        "static_pkg.errors": (Kind.MODULE, "", 0),
        "static_pkg.legacy": (Kind.MODULE, "", 0),
        "static_pkg.render": (Kind.MODULE, "", 0),
        "static_pkg.shapes": (Kind.MODULE, "", 0),
        "static_pkg.VERSION": (Kind.DATA, "", 0),
        # Documented, but left out of the package's __all__: unimportant.
        "static_pkg.MAX_ENGINES": (Kind.DATA, "", -1),
        "static_pkg.Engine": (Kind.CLASS, "(name: str, *, speed: float = 1.0)", 0),
        "static_pkg.Engine.default_speed": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.Engine.name": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.Engine.label": (Kind.PROPERTY, "", 0),
        "static_pkg.Engine.default": (Kind.CLASSMETHOD, "(name: str = 'main') -> Engine", 0),
        "static_pkg.Engine.check": (Kind.STATICMETHOD, "(speed: float, /) -> bool", 0),
        "static_pkg.Engine.run": (Kind.METHOD, "(times=None)", 0),
        "static_pkg.Engine.stop": (Kind.METHOD, "(*args: object, **kwargs: object) -> None", 0),
        "static_pkg.Engine.Part": (Kind.CLASS, "", 0),
        "static_pkg.Engine.Part.fit": (Kind.METHOD, "() -> None", 0),
        "static_pkg.Engine._internal": (Kind.METHOD, "() -> None", 0),
        # Its constructor is Engine's.
        "static_pkg.TurboEngine": (Kind.CLASS, "(name: str, *, speed: float = 1.0)", 0),
        # Not re-exported (only under TYPE_CHECKING): stays in its private module, which
        # the writer ranks low by name.
        "static_pkg._core.Hidden": (Kind.CLASS, "", 0),
        "static_pkg.make_engine": (
            Kind.FUNCTION,
            "(name: str, speed: float = 2 * 1.5, *rest: str, **options: int) -> Engine",
            0,
        ),
        "static_pkg.PkgError": (Kind.EXCEPTION, "", 0),
        "static_pkg.NotFoundError": (Kind.EXCEPTION, "(what: str)", 0),
        # An exception through its base in the same package, with the base's constructor.
        "static_pkg.errors.Gone": (Kind.EXCEPTION, "(what: str)", 0),
        "static_pkg.legacy.old": (Kind.FUNCTION, "(x)", 0),
        # The function named like its module keeps its full name: the module owns the short one.
        "static_pkg.render.render": (Kind.FUNCTION, "(text: str) -> str", 0),
        "static_pkg.Point": (Kind.CLASS, "(x: float, y: float = 0.0)", 0),
        "static_pkg.Point.x": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.Point.y": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.Point.label": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.Color": (Kind.CLASS, "", 0),
        "static_pkg.Color.RED": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.Color.GREEN": (Kind.ATTRIBUTE, "", 0),
        "static_pkg.area": (Kind.FUNCTION, "(width: float, height: float) -> float", 0),
        "static_pkg.shapes.helper": (Kind.FUNCTION, "() -> None", -1),
    }


def test_whole_entries(entries: dict[str, DocEntry], static_venv: Venv) -> None:
    assert entries["static_pkg.area"] == DocEntry(
        qualname="static_pkg.area",
        name="area",
        kind=Kind.FUNCTION,
        parent="static_pkg",
        signature="(width: float, height: float) -> float",
        summary="The area of a rectangle.",
        body="The area of a rectangle.",
        url=url(static_venv, "shapes.py", "def area("),
    )
    assert entries["static_pkg.VERSION"] == DocEntry(
        qualname="static_pkg.VERSION",
        name="VERSION",
        kind=Kind.DATA,
        parent="static_pkg",
        signature="",
        summary="The package's version.",
        body='```python\nVERSION: str = "1.0"\n```\n\nThe package\'s version.',
        url=url(static_venv, "__init__.py", "VERSION: str"),
    )
    assert entries["static_pkg.Engine.name"] == DocEntry(
        qualname="static_pkg.Engine.name",
        name="name",
        kind=Kind.ATTRIBUTE,
        parent="static_pkg.Engine",
        signature="",
        summary="What the engine is called.",
        body="```python\nname = name\n```\n\nWhat the engine is called.",
        url=url(static_venv, "_core.py", "self.name = name"),
    )
    assert entries["static_pkg.legacy.old"] == DocEntry(
        qualname="static_pkg.legacy.old",
        name="old",
        kind=Kind.FUNCTION,
        parent="static_pkg.legacy",
        signature="(x)",
        summary="Use `static_pkg.area` instead.",
        body=entries["static_pkg.legacy.old"].body,
        url=url(static_venv, "legacy.py", "def old("),
        deprecated=True,
    )
    assert entries["static_pkg"].url == url(static_venv, "__init__.py")


def test_converted_docstrings(entries: dict[str, DocEntry]) -> None:
    """reST fields, Google sections and doctests become Markdown (docstring-to-markdown)."""
    engine = entries["static_pkg.Engine"]
    assert engine.summary == "Runs things."
    assert "- `name`: what to call it." in engine.body
    assert ":param" not in engine.body
    run = entries["static_pkg.Engine.run"]
    assert "- `times`: how many times to run." in run.body
    assert "Args:" not in run.body
    # Overloads collapse into the implementation's entry and are listed in its text.
    assert run.body.endswith(
        "**Overloads**\n\n```python\nrun(times: int) -> int\nrun(times: None = None) -> None\n```"
    )
    assert 'make_engine("x").name' in entries["static_pkg.make_engine"].body
    assert entries["static_pkg.MAX_ENGINES"].summary == "How many engines one process may hold."


def test_aliases(docset: Docset) -> None:
    assert docset.aliases == {
        # Inherited members lead to where they are documented (private ones are left out).
        "static_pkg.TurboEngine.Part": "static_pkg.Engine.Part",
        "static_pkg.TurboEngine.check": "static_pkg.Engine.check",
        "static_pkg.TurboEngine.default": "static_pkg.Engine.default",
        "static_pkg.TurboEngine.default_speed": "static_pkg.Engine.default_speed",
        "static_pkg.TurboEngine.label": "static_pkg.Engine.label",
        "static_pkg.TurboEngine.name": "static_pkg.Engine.name",
        "static_pkg.TurboEngine.run": "static_pkg.Engine.run",
        "static_pkg.TurboEngine.stop": "static_pkg.Engine.stop",
        "static_pkg._core.Engine": "static_pkg.Engine",
        "static_pkg._core.Engine.Part": "static_pkg.Engine.Part",
        "static_pkg._core.Engine.Part.fit": "static_pkg.Engine.Part.fit",
        "static_pkg._core.Engine._internal": "static_pkg.Engine._internal",
        "static_pkg._core.Engine.check": "static_pkg.Engine.check",
        "static_pkg._core.Engine.default": "static_pkg.Engine.default",
        "static_pkg._core.Engine.default_speed": "static_pkg.Engine.default_speed",
        "static_pkg._core.Engine.label": "static_pkg.Engine.label",
        "static_pkg._core.Engine.name": "static_pkg.Engine.name",
        "static_pkg._core.Engine.run": "static_pkg.Engine.run",
        "static_pkg._core.Engine.stop": "static_pkg.Engine.stop",
        "static_pkg._core.TurboEngine": "static_pkg.TurboEngine",
        "static_pkg._core.make_engine": "static_pkg.make_engine",
        "static_pkg.errors.NotFoundError": "static_pkg.NotFoundError",
        "static_pkg.errors.PkgError": "static_pkg.PkgError",
        "static_pkg.shapes.Color": "static_pkg.Color",
        "static_pkg.shapes.Color.GREEN": "static_pkg.Color.GREEN",
        "static_pkg.shapes.Color.RED": "static_pkg.Color.RED",
        "static_pkg.shapes.Point": "static_pkg.Point",
        "static_pkg.shapes.Point.label": "static_pkg.Point.label",
        "static_pkg.shapes.Point.x": "static_pkg.Point.x",
        "static_pkg.shapes.Point.y": "static_pkg.Point.y",
        "static_pkg.shapes.area": "static_pkg.area",
    }


def test_public_aliases_for_module_level_names(distribution: Distribution) -> None:
    assert public_aliases(distribution) == {
        "static_pkg._core.Engine": "static_pkg.Engine",
        "static_pkg._core.TurboEngine": "static_pkg.TurboEngine",
        "static_pkg._core.make_engine": "static_pkg.make_engine",
        "static_pkg.errors.NotFoundError": "static_pkg.NotFoundError",
        "static_pkg.errors.PkgError": "static_pkg.PkgError",
        "static_pkg.shapes.Color": "static_pkg.Color",
        "static_pkg.shapes.Point": "static_pkg.Point",
        "static_pkg.shapes.area": "static_pkg.area",
    }


def test_public_aliases_towards_what_an_official_docset_documents(
    distribution: Distribution,
) -> None:
    """Official docs may document another spelling (``static_pkg.shapes.Point``)."""
    documented = {
        "static_pkg.shapes.Point",
        "static_pkg.shapes.Point.x",
        "static_pkg.Engine",
        "static_pkg.Engine.run",
    }
    assert public_aliases(distribution, documented) == {
        "static_pkg.Point": "static_pkg.shapes.Point",
        "static_pkg.Point.x": "static_pkg.shapes.Point.x",
        "static_pkg._core.Engine": "static_pkg.Engine",
        "static_pkg._core.Engine.run": "static_pkg.Engine.run",
    }


def test_a_distribution_without_source(tmp_path: Path) -> None:
    made = create_venv(tmp_path / "venv")
    pip_install(made, build_wheel(tmp_path, "only_data", "1.0", {"only_data.txt": "hello\n"}))
    distribution = find_environment(str(made.path), None, {"PATH": ""}).distributions["only-data"]
    with pytest.raises(BuildError) as raised:
        build_docstring_docset(distribution)
    assert str(raised.value) == (
        f"only_data 1.0: no Python source installed (looked for its top-level modules "
        f"in {made.site_packages})"
    )


def test_cli_builds_a_distribution(static_venv: Venv, tmp_path: Path, trap_file: Path) -> None:
    output = tmp_path / "static.sqlite"
    result = run_cli(
        "build", "--distribution", "Static_Pkg", "--python", static_venv.python, "-o", output
    )
    assert result.returncode == 0, result.stderr
    assert "static-pkg 2.0: 36 entries" in result.stdout
    assert "broken.py: does not parse" in result.stderr
    connection = sqlite3.connect(output)
    try:
        docset = connection.execute(
            "SELECT name, version, origin, distribution, source FROM docsets"
        ).fetchone()
        alias = connection.execute(
            "SELECT qualname FROM aliases WHERE alias = 'static_pkg._core.Engine'"
        ).fetchone()
        signature = connection.execute(
            "SELECT signature FROM entries WHERE qualname = 'static_pkg.Engine'"
        ).fetchone()
    finally:
        connection.close()
    assert docset == (
        "static-pkg", "2.0", "docstrings", "static-pkg", "docstrings of static_pkg 2.0 (installed)"
    )  # fmt: skip
    assert alias == ("static_pkg.Engine",)
    assert signature == ("(name: str, *, speed: float = 1.0)",)
    assert not trap_file.exists()


def test_cli_bad_input_is_one_line(static_venv: Venv, tmp_path: Path) -> None:
    output = tmp_path / "x.sqlite"
    missing = run_cli(
        "build", "--distribution", "nope", "--python", static_venv.path, "-o", output, "--quiet"
    )
    assert missing.returncode == 1
    assert missing.stderr == (
        "docs-daemon build: error: no distribution 'nope' is installed in "
        f"Python {sys.version_info[0]}.{sys.version_info[1]} at {static_venv.python} "
        "(setting)\n"
    )
    gone = tmp_path / "gone"
    deleted = run_cli("build", "--distribution", "x", "--python", gone, "-o", output, "--quiet")
    assert deleted.returncode == 1
    assert deleted.stderr == (
        f"docs-daemon build: error: setting `python`: {gone} does not exist (deleted?)\n"
    )
    assert not output.exists()


def test_entries_are_plain_records(entries: dict[str, DocEntry]) -> None:
    """Parents are always the immediate prefix (the writer's rule for every source)."""
    for entry in entries.values():
        expected = entry.qualname.rpartition(".")[0] or None
        assert dataclasses.replace(entry, parent=expected) == entry
