"""What every source produces: plain records of documented objects, independent of SQLite."""

from __future__ import annotations

from dataclasses import dataclass, field

from docs_daemon.schema import Kind


@dataclass(frozen=True, slots=True)
class DocEntry:
    """One documented object, ready to become a row of ``entries`` (see ``schema.entries``)."""

    qualname: str
    name: str
    kind: Kind
    parent: str | None
    signature: str
    summary: str
    body: str
    url: str
    priority: int = 0
    #: The docs mark it deprecated (a "Deprecated since" note): ranks after its equals.
    deprecated: bool = False


@dataclass(slots=True)
class Docset:
    """A documentation set as built: its identity plus its entries and what was skipped."""

    name: str
    version: str
    base_url: str
    source: str
    entries: list[DocEntry] = field(default_factory=list)
    #: ``official`` (a project's published docs) or ``docstrings`` (an installed package's
    #: source read statically); see ``schema.docsets``.
    origin: str = "official"
    #: The normalised distribution name (``jinja2``); ``""`` for the standard library.
    distribution: str = ""
    #: A digest of the input (e.g. sha256 of ``objects.inv``), so an update can skip an
    #: unchanged upstream.
    source_digest: str = ""
    #: Other dotted names of documented objects: alias -> documented qualified name.
    aliases: dict[str, str] = field(default_factory=dict)
    #: Human-readable notes about things skipped (missing pages, failed submodules).
    warnings: list[str] = field(default_factory=list)
