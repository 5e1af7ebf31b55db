"""Installed distributions read from their ``*.dist-info`` / ``*.egg-info`` files, never imported.

Hand-parsed with ``email.parser`` and ``csv`` instead of ``importlib.metadata``: that API hides
which directory a record came from (needed to name it in a one-line message) and its handling
of missing metadata changed between Python 3.11 and 3.14.
"""

from __future__ import annotations

import csv
import email.parser
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

logger = logging.getLogger(__name__)

_METADATA_SUFFIXES = (".dist-info", ".egg-info")
#: PEP 503: runs of ``-``, ``_`` and ``.`` are one separator, case does not matter. One regex
#: is the whole specification, not worth the ``packaging`` dependency.
_SEPARATORS = re.compile(r"[-_.]+")
#: PEP 753 label normalisation (punctuation and whitespace removed, lower case).
_LABEL_NOISE = re.compile(r"[\s\-_.:]+")


def normalise_name(name: str) -> str:
    """The PEP 503 form of a distribution name: ``Jinja2`` → ``jinja2``, ``zope.interface``
    → ``zope-interface``."""
    return _SEPARATORS.sub("-", name).lower()


@dataclass(frozen=True, slots=True)
class Distribution:
    """One installed distribution, as its metadata files describe it."""

    #: As written in METADATA (``Jinja2``).
    name: str
    #: PEP 503-normalised (``jinja2``).
    key: str
    version: str
    #: Importable top-level names (``("jinja2",)``): ``top_level.txt``, else derived from RECORD.
    top_level: tuple[str, ...]
    #: ``Project-URL`` labels as written (``"Documentation"``), plus ``Home-page`` as
    #: ``"Homepage"``.
    project_urls: Mapping[str, str]
    summary: str
    #: The directory holding the distribution (site-packages); RECORD paths are relative to it.
    location: Path
    #: The installed files, relative to ``location`` (RECORD, or ``installed-files.txt``);
    #: empty when the installer recorded none.
    files: tuple[PurePosixPath, ...]
    #: The ``*.dist-info`` / ``*.egg-info`` directory (or file) itself.
    metadata_path: Path

    @property
    def documentation_url(self) -> str:
        """The ``Documentation`` (or ``Docs``) project URL, ``""`` when none is declared."""
        return self._url("documentation", "docs")

    @property
    def homepage_url(self) -> str:
        """The ``Homepage`` / ``Home-page`` project URL, ``""`` when none is declared."""
        return self._url("homepage")

    def _url(self, *labels: str) -> str:
        for label, url in self.project_urls.items():
            if _LABEL_NOISE.sub("", label).lower() in labels:
                return url
        return ""


def read_distributions(
    site_packages: Sequence[Path], *, warnings: list[str] | None = None
) -> dict[str, Distribution]:
    """Every distribution in ``site_packages`` by key; the first directory wins on a clash.

    A distribution whose metadata is missing or unreadable is skipped with a one-line message
    appended to ``warnings`` (and logged); the others are still read.
    """
    found: dict[str, Distribution] = {}
    for directory in site_packages:
        for path in _metadata_paths(directory):
            try:
                distribution = _read_one(directory, path)
            except _UnreadableError as problem:
                _warn(warnings, f"{path}: {problem}; skipped")
                continue
            earlier = found.get(distribution.key)
            if earlier is None:
                found[distribution.key] = distribution
            elif earlier.location == directory:
                # Stale metadata beside the real one (an interrupted upgrade, a system package
                # manager's egg-info): not the user's mistake, so only logged.
                logger.info(
                    "%s is installed twice in %s (%s, %s); using %s",
                    distribution.name, directory, earlier.metadata_path.name, path.name,
                    earlier.metadata_path.name,
                )  # fmt: skip
    return found


def _warn(warnings: list[str] | None, message: str) -> None:
    logger.warning("%s", message)
    if warnings is not None:
        warnings.append(message)


def _metadata_paths(directory: Path) -> Iterator[Path]:
    try:
        names = sorted(p.name for p in directory.iterdir())
    except OSError:
        return
    for name in names:
        if name.endswith(_METADATA_SUFFIXES):
            yield directory / name


class _UnreadableError(Exception):
    """Metadata that cannot describe a distribution; the message names what is wrong."""


def _read_one(location: Path, path: Path) -> Distribution:
    text = _metadata_text(path)
    headers = email.parser.HeaderParser().parsestr(text)
    name = (headers.get("Name") or "").strip()
    version = (headers.get("Version") or "").strip()
    if not name or not version:
        missing = "Name" if not name else "Version"
        raise _UnreadableError(f"{_metadata_file(path).name} has no {missing} field")
    files = _installed_files(location, path)
    return Distribution(
        name=name,
        key=normalise_name(name),
        version=version,
        top_level=_top_level(path, files) or _top_level_by_name(location, name),
        project_urls=_project_urls(headers.get_all("Project-URL") or [], headers.get("Home-page")),
        summary=(headers.get("Summary") or "").strip(),
        location=location,
        files=files,
        metadata_path=path,
    )


def _metadata_file(path: Path) -> Path:
    if path.is_file():  # a single-file .egg-info is the PKG-INFO itself
        return path
    return path / ("METADATA" if path.name.endswith(".dist-info") else "PKG-INFO")


def _metadata_text(path: Path) -> str:
    file = _metadata_file(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise _UnreadableError(f"no {file.name} file") from None
    except OSError as error:
        raise _UnreadableError(f"cannot read {file.name}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _UnreadableError(f"{file.name} is not UTF-8 text") from None


def _project_urls(declared: list[str], home_page: str | None) -> dict[str, str]:
    """``Project-URL: Label, URL`` lines, plus the older ``Home-page`` field."""
    urls: dict[str, str] = {}
    for line in declared:
        label, comma, url = line.partition(",")
        if comma and label.strip() and url.strip():
            urls.setdefault(label.strip(), url.strip())
    home = (home_page or "").strip()
    if (
        home
        and home.upper() != "UNKNOWN"
        and not any(_LABEL_NOISE.sub("", label).lower() == "homepage" for label in urls)
    ):
        urls["Homepage"] = home
    return urls


def _installed_files(location: Path, path: Path) -> tuple[PurePosixPath, ...]:
    """RECORD rows (dist-info) or ``installed-files.txt`` lines (egg-info), relative to
    ``location``; paths that leave it (scripts in ``bin/``) are kept as written."""
    if path.is_file():
        return ()
    record = path / "RECORD"
    try:
        if record.is_file():
            with record.open(encoding="utf-8", newline="") as stream:
                rows = [row[0] for row in csv.reader(stream) if row and row[0]]
            return tuple(PurePosixPath(row) for row in rows)
        installed = path / "installed-files.txt"
        if installed.is_file():
            # Relative to the egg-info directory itself.
            prefix = PurePosixPath(path.name)
            lines = installed.read_text(encoding="utf-8").splitlines()
            return tuple(_collapse(prefix / line.strip()) for line in lines if line.strip())
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        logger.warning("%s: cannot read its file list: %s", path, error)
    return ()


def _collapse(path: PurePosixPath) -> PurePosixPath:
    """``foo.egg-info/../foo/x.py`` → ``foo/x.py`` (pure: no file system access)."""
    parts: list[str] = []
    for part in path.parts:
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts)


def _top_level(path: Path, files: tuple[PurePosixPath, ...]) -> tuple[str, ...]:
    listed = path / "top_level.txt"
    if listed.is_file():
        try:
            names = listed.read_text(encoding="utf-8").split()
        except (OSError, UnicodeDecodeError):
            names = []
        # Entries like ``foo/bar`` name a namespace package's portion: its top is ``foo``.
        tops = [name.replace("\\", "/").split("/")[0] for name in names]
        found = tuple(dict.fromkeys(n for n in tops if n.isidentifier()))
        if found:
            return found
    return _top_level_from_files(files)


def _top_level_by_name(location: Path, name: str) -> tuple[str, ...]:
    """Installs that list no files (a single-file ``.egg-info``, as system packages ship):
    the module named like the distribution, when there is one (``pyinotify.py``)."""
    guess = _SEPARATORS.sub("_", name)
    for candidate in dict.fromkeys((guess, guess.lower())):
        if not candidate.isidentifier():
            continue
        if (location / candidate).is_dir() or (location / f"{candidate}.py").is_file():
            return (candidate,)
    return ()


def _top_level_from_files(files: tuple[PurePosixPath, ...]) -> tuple[str, ...]:
    """Packages and modules at the root of site-packages, from the installed file list."""
    names: list[str] = []
    for file in files:
        parts = file.parts
        if (
            not parts
            or parts[0] in ("..", "__pycache__")
            or parts[0].endswith((*_METADATA_SUFFIXES, ".data"))
        ):
            continue
        if len(parts) > 1:
            if parts[0].isidentifier() and file.suffix in (".py", ".pyi", ".so", ".pyd"):
                names.append(parts[0])
            continue
        stem = parts[0].split(".")[0]
        if file.suffix in (".py", ".so", ".pyd") and stem.isidentifier():
            names.append(stem)
    return tuple(dict.fromkeys(names))
