"""An installed distribution's own docstrings and signatures, read statically, as a docset.

The fallback when no official docs can be had. Every module file of the distribution is parsed
with ``ast`` (in a small process pool for big packages on machines with 4 cores or more), never
imported. Objects are documented under the name the package publishes them as
(``jinja2.Template``); the other spellings (``jinja2.environment.Template``) become aliases.
Links point at the source line in the installed file.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.inherited import Base, ClassKey, inherited_aliases
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.public_names import PublicNames, Target, is_private
from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.builder.source_files import MAX_SOURCE_BYTES, ModuleFile, module_files
from docs_daemon.builder.source_parse import Documented, ModuleSource, ParseJob, parse_job
from docs_daemon.environment import Distribution, Environment
from docs_daemon.vocabulary import Kind

#: Below this many modules a pool costs more to start than it saves.
_POOL_MIN_MODULES = 64
#: Base classes are followed this far for an inherited signature or exception kind.
_MAX_BASE_DEPTH = 8
#: Lines that begin a Markdown block other than a paragraph.
_BLOCK_START = re.compile(r"([-*+]|\d+[.)])\s|#{1,6}\s|\||>|---")
#: ``origin`` of docsets built here (``schema.docsets.origin``).
ORIGIN = "docstrings"


def build_docstring_docset(
    distribution: Distribution,
    *,
    environment: Environment | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Docset:
    """The docset of ``distribution``'s docstrings; :class:`BuildError` when it has no
    Python source at all (a compiled-only or metadata-only install)."""
    sources, warnings = read_sources(
        distribution, with_docs=True, progress=progress, workers=workers
    )
    names = PublicNames(sources)
    built = _Entries(names, sources)
    entries = built.build()
    aliases = spelling_aliases(names, {e.qualname for e in entries})
    # Inherited members get at most as many aliases as there are entries.
    for alias, qualname in built.inherited(budget=len(entries)).items():
        aliases.setdefault(alias, qualname)
    if environment is not None and environment.version > sys.version_info[:2]:
        syntax = sum(1 for w in warnings if "does not parse" in w)
        if syntax:
            ours = f"{sys.version_info[0]}.{sys.version_info[1]}"
            theirs = f"{environment.version[0]}.{environment.version[1]}"
            warnings.append(
                f"{syntax} file(s) may use Python {theirs} syntax that Python {ours} "
                "(running docs-daemon) cannot parse"
            )
    return Docset(
        name=distribution.key,
        version=distribution.version,
        base_url=distribution.documentation_url or distribution.homepage_url,
        source=f"docstrings of {distribution.name} {distribution.version} (installed)",
        entries=entries,
        origin=ORIGIN,
        distribution=distribution.key,
        source_digest=installation_digest(distribution),
        aliases=aliases,
        warnings=warnings,
    )


def public_aliases(
    distribution: Distribution, documented: Collection[str] | None = None
) -> dict[str, str]:
    """Other spellings of ``distribution``'s objects → the name they are documented under.

    Without ``documented``: the package's published names (``jinja2.environment.Template``
    → ``jinja2.Template``), module-level objects only. With ``documented`` (the qualified
    names an official docset has), each object maps to whichever of its spellings is
    documented, and members follow (``jinja2.environment.Template.render`` →
    ``jinja2.Template.render`` when that is documented).
    """
    sources, _ = read_sources(distribution, with_docs=False, progress=None, workers=1)
    names = PublicNames(sources)
    if documented is None:
        return names.aliases()
    return spelling_aliases(names, documented)


def installation_digest(distribution: Distribution) -> str:
    """Changes whenever the installed files do: the RECORD (hashes of every file), or the
    metadata and version when the installer kept no RECORD."""
    digest = hashlib.sha256(f"{distribution.key}\0{distribution.version}\0".encode())
    for name in ("RECORD", "installed-files.txt", "METADATA", "PKG-INFO"):
        file = distribution.metadata_path / name
        if file.is_file():
            digest.update(file.read_bytes())
    return digest.hexdigest()


def read_sources(
    distribution: Distribution,
    *,
    with_docs: bool,
    progress: Progress | None,
    workers: int | None,
) -> tuple[dict[str, ModuleSource], list[str]]:
    """Every module of the distribution, parsed; unreadable files become warnings."""
    files = module_files(distribution)
    if not files:
        raise BuildError(
            f"{distribution.name} {distribution.version}: no Python source installed "
            f"(looked for {', '.join(distribution.top_level) or 'its top-level modules'} "
            f"in {distribution.location})"
        )
    warnings: list[str] = []
    wanted = []
    for module in files:
        try:
            size = module.file.stat().st_size
        except OSError as error:
            warnings.append(f"{module.file}: cannot be read: {error.strerror or error}")
            continue
        if size > MAX_SOURCE_BYTES:
            warnings.append(f"{module.file}: skipped, {size:,} bytes is too big for a module")
            continue
        wanted.append(module)
    sources: dict[str, ModuleSource] = {}
    if progress is not None:
        progress.start("modules", len(wanted))
    try:
        for source in _parse_all(wanted, with_docs, workers):
            if source.problem is not None:
                warnings.append(f"{source.file}: {source.problem}")
            else:
                sources[source.name] = source
            if progress is not None:
                progress.advance()
    finally:
        if progress is not None:
            progress.finish()
    return sources, warnings


def _parse_all(
    files: list[ModuleFile], with_docs: bool, workers: int | None
) -> Iterator[ModuleSource]:
    jobs = [ParseJob(m.name, m.file, m.is_package, with_docs) for m in files]
    with _no_cycle_collection():
        yield from _run_jobs(jobs, workers)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Building big syntax trees sets off the cycle collector again and again (measured: 2.5 times
    the parse time on Django); trees hold no cycles, so it is paused while modules are read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_jobs(jobs: list[ParseJob], workers: int | None) -> Iterator[ModuleSource]:
    with_docs = bool(jobs) and jobs[0].with_docs
    count = workers if workers is not None else _default_workers()
    if count < 2 or len(jobs) < _POOL_MIN_MODULES or not with_docs:
        yield from map(parse_job, jobs)
        return
    # Spawned, not forked: the caller may be a server with threads and an event loop.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_start_worker)
    try:
        yield from pool.map(parse_job, jobs, chunksize=8)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _default_workers() -> int:
    """One process on small machines: measured on 2 cores, spawning workers costs more CPU
    (Django: 5.0 s against 3.7 s) than it saves, and the wall time is lost as soon as the
    machine is busy — as it is with the editor and the server on it."""
    cores = os.cpu_count() or 1
    return min(cores - 1, 4) if cores >= 4 else 1


def _start_worker() -> None:
    """Workers leave Ctrl-C to the main process, which cancels them and cleans up, and only
    read modules (see :func:`_no_cycle_collection`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()


class _Entries:
    """Module and object entries under their published names."""

    def __init__(self, names: PublicNames, sources: dict[str, ModuleSource]) -> None:
        self.names = names
        self.sources = sources
        self.by_path: dict[ClassKey, Documented] = {
            (module, d.path): d for module, s in sources.items() for d in s.definitions
        }
        #: Each class's key → its entry's name, and the names of its member entries.
        self.classes: dict[ClassKey, str] = {}
        self.members: dict[ClassKey, list[str]] = {}

    def build(self) -> list[DocEntry]:
        found: dict[str, DocEntry] = {}
        for module in sorted(self.sources):
            entry = self.module_entry(self.sources[module])
            found[entry.qualname] = entry
        for module in sorted(self.sources):
            source = self.sources[module]
            for documented in source.definitions:
                made = self.object_entry(source, documented)
                if made is None or made.qualname in found:
                    continue
                found[made.qualname] = made
                owner, dot, member = documented.path.rpartition(".")
                if made.kind in (Kind.CLASS, Kind.EXCEPTION):
                    self.classes[(module, documented.path)] = made.qualname
                if dot:
                    self.members.setdefault((module, owner), []).append(member)
        return list(found.values())

    def inherited(self, budget: int) -> dict[str, str]:
        """Aliases for members classes inherit (see :mod:`inherited`); after :meth:`build`."""
        return inherited_aliases(
            self.classes, self.members, self.bases_of, self.spellings_of, budget
        )

    def bases_of(self, key: ClassKey) -> list[Base]:
        bases: list[Base] = []
        for dotted in self.by_path[key].bases:
            found = self.base_class(dotted)
            bases.append(found[0] if found is not None else dotted)
        return bases

    def spellings_of(self, key: ClassKey) -> list[str]:
        """Inherited members are aliased under the class's documented name only, and only for
        public classes: every spelling times every inherited member would outweigh the docs
        (Django: 48,000 aliases, 27 MiB); a lookup of another spelling resolves the class
        first."""
        name = self.classes[key]
        module, path = key
        target = Target(module, path.partition(".")[0])
        published = target in self.names.listed or len(self.names.spellings.get(target, ())) > 1
        return [name] if published and not is_private(name) else []

    def module_entry(self, source: ModuleSource) -> DocEntry:
        return _entry(
            source.name, Kind.MODULE, "", source.body, _file_url(source.file, None), priority=0
        )

    def object_entry(self, source: ModuleSource, documented: Documented) -> DocEntry | None:
        top, _, rest = documented.path.partition(".")
        target = Target(source.name, top)
        listed = target in self.names.listed
        if documented.undocumented and not listed:
            return None
        base = self.names.canonical.get(target, target.spelling)
        qualname = f"{base}.{rest}" if rest else base
        kind, signature = documented.kind, documented.signature
        if kind in (Kind.CLASS, Kind.EXCEPTION):
            kind, signature = self.class_details(documented)
        # Unlisted where the module declares ``__all__`` and published nowhere else: unimportant.
        hidden = (
            source.all_parts is not None
            and not listed
            and base == target.spelling
            and not is_private(base)
        )
        return _entry(
            qualname,
            kind,
            signature,
            documented.body,
            _file_url(source.file, documented.line),
            priority=-1 if hidden else 0,
            deprecated=documented.deprecated,
        )

    def class_details(self, documented: Documented) -> tuple[Kind, str]:
        """The kind (an exception when a base is one) and the constructor signature, which a
        class without ``__init__``/``__new__`` takes from its first base that has one."""
        kind, signature = documented.kind, documented.signature
        needs_signature = documented.inherits_signature
        queue = [(documented, 0)]
        while queue and (needs_signature or kind is Kind.CLASS):
            current, depth = queue.pop(0)
            if current is not documented:
                if current.kind is Kind.EXCEPTION:
                    kind = Kind.EXCEPTION
                if needs_signature and not current.inherits_signature:
                    signature, needs_signature = current.signature, False
            if depth >= _MAX_BASE_DEPTH:
                continue
            for base in current.bases:
                found = self.base_class(base)
                if found is not None:
                    queue.append((found[1], depth + 1))
        return kind, signature

    def base_class(self, dotted: str) -> tuple[ClassKey, Documented] | None:
        resolved = self.names.resolve_dotted(dotted)
        if resolved is None:
            return None
        target, rest = resolved
        documented = self.by_path.get((target.module, f"{target.name}{rest}"))
        if documented is None or documented.kind not in (Kind.CLASS, Kind.EXCEPTION):
            return None
        return (target.module, f"{target.name}{rest}"), documented


def spelling_aliases(names: PublicNames, documented: Collection[str]) -> dict[str, str]:
    """Each other spelling of a documented object, and of its documented members, → the
    documented name (see :func:`public_aliases`)."""
    documented = set(documented)
    chosen: dict[str, tuple[str, list[str]]] = {}  # documented spelling -> (it, others)
    for target, spellings in names.spellings.items():
        present = [s for s in spellings if s in documented and s not in names.modules]
        if not present:
            continue
        canonical = names.canonical[target]
        name = canonical if canonical in present else min(present, key=_dots_then_text)
        chosen[name] = (name, sorted(spellings - {name}))
    aliases: dict[str, str] = {}
    for qualname in sorted(documented):
        for prefix, rest in _prefixes(qualname):
            entry = chosen.get(prefix)
            if entry is None:
                continue
            for other in entry[1]:
                aliases.setdefault(f"{other}{rest}", qualname)
            break
    return {alias: name for alias, name in aliases.items() if alias not in documented}


def _prefixes(qualname: str) -> Iterable[tuple[str, str]]:
    """``a.b.c`` → (``a.b.c``, ""), (``a.b``, ".c"), (``a``, ".b.c")."""
    parts = qualname.split(".")
    for cut in range(len(parts), 0, -1):
        yield ".".join(parts[:cut]), "".join(f".{p}" for p in parts[cut:])


def _dots_then_text(spelling: str) -> tuple[int, str]:
    return spelling.count("."), spelling


@functools.lru_cache(maxsize=256)
def _file_uri(file: str) -> str:
    return Path(file).absolute().as_uri()


def _file_url(file: str, line: int | None) -> str:
    uri = _file_uri(file)
    return f"{uri}#L{line}" if line else uri


def _entry(
    qualname: str,
    kind: Kind,
    signature: str,
    body: str,
    url: str,
    *,
    priority: int,
    deprecated: bool = False,
) -> DocEntry:
    parent = qualname.rpartition(".")[0] or None
    return DocEntry(
        qualname=qualname,
        name=qualname.rpartition(".")[2],
        kind=kind,
        parent=parent,
        signature=signature,
        summary=summary_of(body),
        body=body,
        url=url,
        priority=priority,
        deprecated=deprecated,
    )


def summary_of(markdown: str) -> str:
    """The first paragraph of prose, outside code blocks; it ends at a blank line or where a
    list, heading, table or quote begins (converted ``:param:`` lists follow prose at once)."""
    paragraph: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            if paragraph:
                break
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not stripped or _BLOCK_START.match(stripped):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    return " ".join(paragraph)
