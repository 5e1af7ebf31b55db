"""``docs-daemon add`` / ``list`` / ``remove`` / ``update`` as a user runs them: real processes
on a real venv, fetching from the loopback sites; two processes adding the same docset."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docs_daemon.library import Library, update
from docs_daemon.store import DocStore
from tests.library.conftest import JINJA_HTML, Sites
from tests.venvs import Venv


def docs_daemon(
    *args: str | Path, data: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    environ = {**os.environ, "XDG_DATA_HOME": str(data), **(env or {})}
    environ.pop("VIRTUAL_ENV", None)
    return subprocess.Popen(
        [sys.executable, "-m", "docs_daemon", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ,
    )  # fmt: skip


def run(*args: str | Path, data: Path) -> subprocess.CompletedProcess[str]:
    process = docs_daemon(*args, data=data)
    stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def mirrors(sites: Sites) -> list[str]:
    return [f"--mirror={public}={mirror}" for public, mirror in sites.mirrors]


def test_two_processes_add_the_same_docset_once(
    sites: Sites, real_venv: Venv, tmp_path: Path
) -> None:
    args = ("add", "jinja2", "--python", real_venv.path, *mirrors(sites))
    before = len(sites.server.fetched("/jinja/en/3.1.x/api.html"))
    first, second = docs_daemon(*args, data=tmp_path), docs_daemon(*args, data=tmp_path)
    outputs = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == second.returncode == 0, outputs
    stdouts = [out for out, _ in outputs]
    # One built it, the other waited and reused it.
    source = "entries from https://jinja.palletsprojects.com/en/3.1.x/objects.inv"
    assert sorted(source in out for out in stdouts) == [False, True], stdouts
    assert sorted("already installed" in out for out in stdouts) == [False, True], stdouts
    assert any(
        "waiting for another docs-daemon that is building jinja2" in err for _, err in outputs
    )
    assert len(sites.server.fetched("/jinja/en/3.1.x/api.html")) == before + 1
    library = tmp_path / "docs-daemon"
    assert sorted(p.name for p in library.iterdir() if not p.name.endswith(".lock")) == [
        "jinja2.sqlite"
    ]


def test_list_remove_and_errors(sites: Sites, real_venv: Venv, tmp_path: Path) -> None:
    added = run(
        "add", "jinja2", "--from", JINJA_HTML, "--python", real_venv.path, "--quiet", data=tmp_path
    )
    assert added.returncode == 0, added.stderr
    assert added.stderr == ""
    listed = run("list", "--python", real_venv.path, data=tmp_path)
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()[:2]
    assert header.split() == [
        "name",
        "version",
        "origin",
        "entries",
        "size",
        "built",
        "used",
        "source",
    ]
    assert row.split()[:3] == ["jinja2", "3.1.x", "official"]
    assert row.split()[-2:] == ["yes", str(JINJA_HTML)], row
    # Errors are one line each and change nothing.
    for args, message in [
        (
            ("add", "numpy", "--python", real_venv.path),
            "add: error: numpy is not installed in Python",
        ),
        (("add", "jinja2", "--python", tmp_path / "deleted-venv"), "add: error: "),
        (("add", "werkzeug@3.0", "--python", real_venv.path), "only python@X.Y takes a version"),
        (("remove", "flask"), "remove: error: flask is not installed (see docs-daemon list)"),
        (("remove", "../jinja2"), "is not a docset name"),
    ]:
        failed = run(*args, data=tmp_path)
        assert failed.returncode == 1, (args, failed.stdout)
        assert message in failed.stderr and failed.stderr.count("\n") == 1, failed.stderr
    removed = run("remove", "jinja2", data=tmp_path)
    assert removed.stdout == "removed jinja2 (3.1.x, 287 entries)\n" or removed.stdout.startswith(
        "removed jinja2 (3.1.x, "
    )
    assert not (tmp_path / "docs-daemon" / "jinja2.sqlite").exists()
    assert "no docsets in" in run("list", data=tmp_path).stdout


async def test_update_checks_the_inventory_and_rebuilds_what_changed(
    sites: Sites, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(JINJA_HTML, site, ignore=shutil.ignore_patterns("_*"))
    sites.server.tree("/jinja-upd/", site)
    library = Library(tmp_path / "library")
    from docs_daemon.library import add_distribution
    from tests.library.hostile_site import distribution

    jinja = distribution("jinja2", "3.1.6")
    source = sites.server.url + "jinja-upd/"
    first = await add_distribution(library, jinja, source=source, policy=sites.policy())
    # Unchanged upstream: only objects.inv is fetched.
    before = len(sites.server.fetched("/jinja-upd/"))
    (result,) = await update(library, policy=sites.policy())
    assert (result.status, result.name) == ("unchanged", "jinja2"), result
    assert sites.server.fetched("/jinja-upd/")[before:] == ["/jinja-upd/objects.inv"]
    assert library.get("jinja2") == first.docset
    # A new objects.inv upstream: rebuilt in place, while a store serves the old file.
    store = DocStore([first.docset.path])
    await store.wait_ready()
    assert (await store.lookup("jinja2.Template")) is not None
    from tests.library.hostile_site import inventory

    (site / "objects.inv").write_bytes(
        inventory("Jinja", "3.2.x", [("jinja2.Template", "class", "api.html#jinja2.Template")])
    )
    (result,) = await update(library, ["jinja2"], policy=sites.policy())
    assert result.status == "updated", result
    assert library.get("jinja2") is not None and library.get("jinja2").entries == 1  # type: ignore[union-attr]
    assert (await store.lookup("jinja2.Environment")) is not None  # the old copy still serves
    await store.reload()
    assert (await store.lookup("jinja2.Environment")) is None
    assert (await store.lookup("jinja2.Template")) is not None
    await store.close()
    # An upstream gone offline: a clear failure, the docset kept.
    sites.server.route("/jinja-upd/", lambda request, rest: request.send_error(503))
    (result,) = await update(library, policy=sites.policy(retries=0))
    assert result.status == "failed" and "HTTP 503" in result.message
    assert library.get("jinja2") is not None


async def test_two_tasks_in_one_process(sites: Sites, tmp_path: Path) -> None:
    from docs_daemon.library import add_distribution
    from tests.library.hostile_site import distribution

    library = Library(tmp_path / "library")
    jinja = distribution("jinja2", "3.1.6")
    first, second = await asyncio.gather(
        add_distribution(library, jinja, source=str(JINJA_HTML)),
        add_distribution(library, jinja, source=str(JINJA_HTML)),
    )
    assert sorted([first.reused, second.reused]) == [False, True]
    assert first.docset == second.docset


@pytest.mark.parametrize("spec", ["python@3.11"])
def test_add_python_from_a_mirror_url(spec: str, sites: Sites, tmp_path: Path) -> None:
    from tests.library.test_python_docs import serve_zip_subset

    serve_zip_subset(sites, "/py-cli/")
    added = run("add", spec, "--python-docs-url", sites.server.url + "py-cli/", data=tmp_path)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("python@3.11 3.11: ")
    assert (
        "downloading " + sites.server.url + "py-cli/3.11/archives/python-3.11-docs-html.zip"
        in added.stderr
    )


def test_a_file_of_another_schema_is_named_and_replaced_by_force(
    real_venv: Venv, tmp_path: Path
) -> None:
    import sqlite3

    from docs_daemon.schema import SCHEMA_VERSION

    library = Library(tmp_path / "docs-daemon")
    library.root.mkdir()
    old = sqlite3.connect(library.path_for("jinja2"))
    old.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('application', 'docs-daemon'), ('schema_version', '1');"
    )
    old.commit()
    old.close()
    problems: list[str] = []
    assert library.docsets(problems) == []
    assert problems == [
        f"{library.path_for('jinja2')}: built for schema 1, this version reads {SCHEMA_VERSION} "
        "(docs-daemon add jinja2 --force rebuilds it)"
    ]
    listed = run("list", data=tmp_path)
    assert listed.stderr == f"warning: {problems[0]}\n"
    added = run(
        "add",
        "jinja2",
        "--from",
        JINJA_HTML,
        "--force",
        "--python",
        real_venv.path,
        "--quiet",
        data=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    assert [d.name for d in library.docsets()] == ["jinja2"]
