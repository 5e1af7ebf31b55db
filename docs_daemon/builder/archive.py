"""Reading a zipped or tarred Sphinx build straight into memory, refusing hostile archives.

Nothing is extracted to disk. An archive is refused as a whole (not silently filtered) when
any member could escape a directory (absolute paths, ``..``), is a link or a device, or when
its content would expand beyond :data:`MAX_TOTAL_BYTES` or :data:`MAX_RATIO` times its size.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.sources import MemoryFiles

#: Ceiling on the bytes read from the kept members (the Python docs' HTML is ~50 MiB).
MAX_TOTAL_BYTES = 512 * 1024 * 1024
#: Ceiling on (bytes read) / (archive size): HTML compresses ~5-10x, bombs 1000x and more.
MAX_RATIO = 100
#: Ceiling on the number of members, against archives of millions of empty entries.
MAX_MEMBERS = 200_000
#: Only these files are kept in memory; the rest (images, sources, scripts) is checked, not read.
KEPT_SUFFIXES = (".html", ".inv")


class _Budget:
    """Counts bytes read so far against both the absolute and the ratio ceiling."""

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.limit = min(MAX_TOTAL_BYTES, MAX_RATIO * max(archive.stat().st_size, 1))
        self.used = 0

    def check_declared(self, total: int) -> None:
        """Refuse before reading when the members' declared sizes already exceed the ceiling."""
        if total > self.limit:
            raise BuildError(
                f"{self.archive}: refusing a decompression bomb (members declare {total:,} "
                f"bytes, over {self.limit // (1024 * 1024)} MiB or {MAX_RATIO}x the archive)"
            )

    def read(self, stream: IO[bytes], name: str) -> bytes:
        data = stream.read(self.limit - self.used + 1)
        self.used += len(data)
        if self.used > self.limit:
            raise BuildError(
                f"{self.archive}: refusing a decompression bomb ({name} expands past "
                f"{self.limit // (1024 * 1024)} MiB, over {MAX_RATIO}x the archive's size)"
            )
        return data


def read_archive(path: Path) -> MemoryFiles:
    """The ``.html`` and ``objects.inv`` files of a .zip/.tar.* archive, after safety checks."""
    name = path.name.lower()
    with _readable(path):
        files = _read_zip(path) if name.endswith(".zip") else _read_tar(path)
    return MemoryFiles(str(path), files)


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """Turn the many ways a damaged archive fails into one :class:`BuildError`."""
    try:
        yield
    except BuildError:
        raise
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as error:
        detail = str(error).strip() or type(error).__name__
        raise BuildError(f"{path}: not a readable archive ({detail})") from None
    except Exception as error:  # zlib/lzma/bz2 raise their own types on corrupt streams
        raise BuildError(f"{path}: corrupt archive ({type(error).__name__}: {error})") from None


def safe_member_name(archive: Path, name: str) -> str:
    """The member's clean relative path; path traversal or absolute names are refused."""
    if "\x00" in name or "\\" in name:
        raise BuildError(f"{archive}: refusing member with an unsafe name {name!r}")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise BuildError(f"{archive}: refusing member {name!r}: it points outside the archive")
    return pure.as_posix()


def _read_zip(path: Path) -> dict[str, bytes]:
    budget = _Budget(path)
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise BuildError(f"{path}: refusing an archive of {len(members):,} members")
        for info in members:
            safe_member_name(path, info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise BuildError(
                    f"{path}: refusing symbolic link member {info.filename!r} "
                    "(archive the build with links dereferenced)"
                )
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode):
                raise BuildError(f"{path}: refusing device member {info.filename!r}")
        budget.check_declared(sum(info.file_size for info in members))
        for info in members:
            if info.is_dir() or not info.filename.lower().endswith(KEPT_SUFFIXES):
                continue
            with archive.open(info) as stream:
                files[safe_member_name(path, info.filename)] = budget.read(stream, info.filename)
    return files


def _read_tar(path: Path) -> dict[str, bytes]:
    budget = _Budget(path)
    files: dict[str, bytes] = {}
    count = declared = 0
    with tarfile.open(path, mode="r:*") as archive:
        for member in archive:
            count += 1
            if count > MAX_MEMBERS:
                raise BuildError(
                    f"{path}: refusing an archive of more than {MAX_MEMBERS:,} members"
                )
            clean = safe_member_name(path, member.name)
            if member.issym() or member.islnk():
                raise BuildError(
                    f"{path}: refusing link member {member.name!r} -> {member.linkname!r} "
                    "(archive the build with links dereferenced, e.g. tar --dereference)"
                )
            if member.isdev():
                raise BuildError(f"{path}: refusing device member {member.name!r}")
            declared += member.size
            budget.check_declared(declared)
            if not member.isfile() or not clean.lower().endswith(KEPT_SUFFIXES):
                continue
            stream = archive.extractfile(member)
            if stream is None:
                continue
            with stream:
                files[clean] = budget.read(stream, member.name)
    return files
