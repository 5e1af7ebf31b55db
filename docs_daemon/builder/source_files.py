"""Which source files make up an installed distribution's modules, and their dotted names.

The installed file list (RECORD) says which files are the distribution's own — a namespace
package's folder can hold several distributions. Without one (some system packages), the
top-level folders are walked; an editable install points at its source through its ``.pth``
file (a path line, or setuptools' finder module with a ``MAPPING`` literal, read with ``ast``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docs_daemon.environment import Distribution

#: Folders that hold no API: test suites and vendored copies of other projects (a vendored
#: typeshed made 140,000 entries of one language server's 4,000).
_SKIPPED_FOLDERS = {
    "tests", "__pycache__", "_vendor", "_vendored", "vendored", "vendor", "third_party",
    "_third_party",
}  # fmt: skip
#: Generated or data-sized "modules" are not worth parsing.
MAX_SOURCE_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class ModuleFile:
    """One module of the distribution: its dotted name and its source file."""

    name: str
    file: Path
    is_package: bool


def module_files(distribution: Distribution) -> list[ModuleFile]:
    """The distribution's modules, sorted by name; ``.pyi`` only where no ``.py`` exists."""
    found: dict[str, ModuleFile] = {}
    tops = set(distribution.top_level)
    recorded = [f for f in distribution.files if f.parts and f.parts[0] in tops]
    if recorded:
        for relative in recorded:
            _add(found, relative, distribution.location / relative)
    else:
        for root in _source_roots(distribution):
            for top in distribution.top_level:
                _walk(found, root, top)
    return sorted(found.values(), key=lambda m: m.name)


def _add(found: dict[str, ModuleFile], relative: PurePosixPath, file: Path) -> None:
    if relative.suffix not in (".py", ".pyi"):
        return
    parts = relative.with_suffix("").parts
    if any(part in _SKIPPED_FOLDERS or not part.isidentifier() for part in parts):
        return
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    if not parts or parts[-1] == "__main__":
        return
    name = ".".join(parts)
    existing = found.get(name)
    if existing is not None and existing.file.suffix == ".py":
        return  # the implementation's docstrings beat a stub
    found[name] = ModuleFile(name, file, is_package)


def _walk(found: dict[str, ModuleFile], root: Path, top: str) -> None:
    folder = root / top
    if folder.is_dir():
        for file in sorted(folder.rglob("*.py*")):
            relative = PurePosixPath(file.relative_to(root).as_posix())
            _add(found, relative, file)
        return
    for suffix in (".py", ".pyi"):
        if (root / f"{top}{suffix}").is_file():
            _add(found, PurePosixPath(f"{top}{suffix}"), root / f"{top}{suffix}")


def _source_roots(distribution: Distribution) -> list[Path]:
    """Where an installed-without-list or editable distribution keeps its modules."""
    roots = [distribution.location]
    for relative in distribution.files:
        if relative.suffix == ".pth" and len(relative.parts) == 1:
            roots.extend(_pth_paths(distribution.location / relative))
        elif relative.name.startswith("__editable__") and relative.name.endswith("_finder.py"):
            roots.extend(_finder_roots(distribution.location / relative))
    return list(dict.fromkeys(roots))


def _pth_paths(pth: Path) -> list[Path]:
    """The folders a ``.pth`` file adds; its ``import`` lines are code and are skipped."""
    try:
        lines = pth.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    folders = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "import ", "import\t")):
            continue
        folder = (pth.parent / line).resolve()
        if folder.is_dir():
            folders.append(folder)
    return folders


def _finder_roots(finder: Path) -> list[Path]:
    """setuptools' editable finder: ``MAPPING = {'pkg': '/src/pkg'}`` → ``/src``."""
    try:
        tree = ast.parse(finder.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "MAPPING" for t in statement.targets
        ):
            try:
                mapping = ast.literal_eval(statement.value)
            except ValueError:
                return []
            if isinstance(mapping, dict):
                return [Path(str(p)).parent for p in mapping.values() if Path(str(p)).exists()]
    return []
