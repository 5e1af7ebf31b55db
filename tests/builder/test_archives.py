"""Archives of a Sphinx build are read directly; hostile ones are refused with one clear line."""

from __future__ import annotations

import io
import shutil
import sqlite3
import tarfile
import zipfile
from pathlib import Path

import pytest

from docs_daemon.builder.archive import MAX_RATIO
from tests.builder.conftest import connect, run_cli


@pytest.fixture(scope="module")
def sphinx_tree(flask_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real Sphinx build: Flask's inventory and HTML pages (links resolved)."""
    root = tmp_path_factory.mktemp("tree") / "flask-docs-html"
    for source in flask_html.rglob("*"):
        if source.suffix in (".html", ".inv") and source.is_file():
            target = root / source.relative_to(flask_html)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return root


@pytest.fixture(scope="module")
def directory_entries(sphinx_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    output = tmp_path_factory.mktemp("dir") / "dir.sqlite"
    result = run_cli("build", sphinx_tree, "--base-url", "https://example.org/", "-o", output)
    assert result.returncode == 0, result.stderr
    return _entries(output)


def _entries(path: Path) -> list[tuple]:
    for conn in connect(path):
        return [
            tuple(r)
            for r in conn.execute(
                "SELECT qualname, kind, parent, signature, summary, body, url FROM entries "
                "ORDER BY qualname"
            )
        ]
    return []


def _zip(tree: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(tree.rglob("*")):
            zf.write(file, file.relative_to(tree.parent).as_posix())
    return archive


def _tar(tree: Path, archive: Path, mode: str) -> Path:
    with tarfile.open(archive, mode) as tf:
        tf.add(tree, arcname=tree.name)
    return archive


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz", ".tar.bz2", ".tar.xz"])
def test_archive_builds_like_the_directory(
    sphinx_tree: Path, directory_entries: list[tuple], tmp_path: Path, suffix: str
) -> None:
    archive = tmp_path / f"docs{suffix}"
    if suffix == ".zip":
        _zip(sphinx_tree, archive)
    else:
        _tar(sphinx_tree, archive, "w:" + suffix.rpartition(".")[2])
    output = tmp_path / "out.sqlite"
    result = run_cli("build", archive, "--base-url", "https://example.org/", "-o", output)
    assert result.returncode == 0, result.stderr
    assert len(directory_entries) > 500
    assert _entries(output) == directory_entries
    for conn in connect(output):
        assert conn.execute("SELECT source FROM docsets").fetchone()[0] == str(archive)


def _refused(archive: Path, tmp_path: Path, *needles: str) -> None:
    output = tmp_path / "out.sqlite"
    result = run_cli("build", archive, "-o", output, "--quiet")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0]
    assert not output.exists()
    assert not list(tmp_path.glob(".out.sqlite.*"))


def _add_bytes(tf: tarfile.TarFile, info: tarfile.TarInfo, data: bytes = b"") -> None:
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def test_zip_path_traversal_refused(sphinx_tree: Path, tmp_path: Path) -> None:
    archive = _zip(sphinx_tree, tmp_path / "evil.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../../escaped.html", "<p>gotcha</p>")
    _refused(archive, tmp_path, "refusing", "../../escaped.html")


def test_tar_absolute_path_refused(sphinx_tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(sphinx_tree, arcname="docs")
        _add_bytes(tf, tarfile.TarInfo("/etc/evil.html"), b"<p>x</p>")
    _refused(archive, tmp_path, "refusing", "/etc/evil.html")


@pytest.mark.parametrize("link_type", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_tar_links_refused(sphinx_tree: Path, tmp_path: Path, link_type: bytes) -> None:
    archive = tmp_path / "links.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(sphinx_tree, arcname="docs")
        link = tarfile.TarInfo("docs/passwd.html")
        link.type = link_type
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    _refused(archive, tmp_path, "refusing link member", "/etc/passwd")


def test_zip_symlink_refused(sphinx_tree: Path, tmp_path: Path) -> None:
    archive = _zip(sphinx_tree, tmp_path / "link.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        info = zipfile.ZipInfo("flask-docs-html/secret.html")
        info.external_attr = 0o120777 << 16  # a symbolic link's mode
        zf.writestr(info, "/etc/passwd")
    _refused(archive, tmp_path, "refusing symbolic link")


def test_zip_bomb_refused(sphinx_tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(sphinx_tree / "objects.inv", "objects.inv")
        zf.writestr("zeros.html", b"\0" * (16 * 1024 * 1024))
    assert (16 * 1024 * 1024) / archive.stat().st_size > MAX_RATIO
    _refused(archive, tmp_path, "decompression bomb")


def test_tar_bomb_refused(sphinx_tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "bomb.tar.xz"
    with tarfile.open(archive, "w:xz") as tf:
        tf.add(sphinx_tree / "objects.inv", arcname="objects.inv")
        _add_bytes(tf, tarfile.TarInfo("zeros.html"), b"\0" * (16 * 1024 * 1024))
    _refused(archive, tmp_path, "decompression bomb")


def test_corrupt_archive_refused(tmp_path: Path) -> None:
    archive = tmp_path / "broken.tar.gz"
    archive.write_bytes(b"\x1f\x8b\x08\x00" + b"not really gzip" * 50)
    _refused(archive, tmp_path, "broken.tar.gz")


def test_archive_without_inventory(tmp_path: Path) -> None:
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("index.html", "<p>hi</p>")
    _refused(archive, tmp_path, "no objects.inv")


def test_the_database_is_ours(tmp_path: Path) -> None:
    """A file that is not a docs-daemon database is never overwritten by a build."""
    stranger = tmp_path / "out.sqlite"
    connection = sqlite3.connect(stranger)
    connection.execute("CREATE TABLE important (x)")
    connection.commit()
    connection.close()
    before = stranger.read_bytes()
    result = run_cli("build", "--module", "json", "-o", stranger, "--quiet")
    assert result.returncode != 0 and "not a docs-daemon database" in result.stderr
    assert stranger.read_bytes() == before


@pytest.mark.slow
def test_python_docs_download_layout(python_html: Path, python_db: Path, tmp_path: Path) -> None:
    """docs.python.org's HTML downloads nest everything in one folder; the build is the same."""
    archive = tmp_path / "python-3.11-docs-html.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for file in sorted(python_html.rglob("*")):
            if file.suffix in (".html", ".inv", ".css", ".png") and file.is_file():
                name = "python-3.11-docs-html/" + file.relative_to(python_html).as_posix()
                zf.write(file, name)
    output = tmp_path / "from-archive.sqlite"
    result = run_cli(
        "build", archive, "--name", "python", "--version-label", "3.11",
        "--base-url", "https://docs.python.org/3.11/", "-o", output, "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _entries(output) == _entries(python_db)


@pytest.mark.parametrize("device_type", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_devices_refused(sphinx_tree: Path, tmp_path: Path, device_type: bytes) -> None:
    archive = tmp_path / "device.tar"
    with tarfile.open(archive, "w") as tf:
        tf.add(sphinx_tree, arcname="docs")
        device = tarfile.TarInfo("docs/null.html")
        device.type = device_type
        tf.addfile(device)
    _refused(archive, tmp_path, "refusing device member", "docs/null.html")
