"""Reading a Sphinx ``objects.inv``: which objects exist, of what kind, on which page.

The inventory is the authority for names, kinds and anchors; the HTML only adds the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import sphobjinv

from docs_daemon.builder.errors import BuildError
from docs_daemon.schema import Kind

#: Sphinx ``py:`` roles to the schema's fixed vocabulary.
PY_ROLE_KINDS: dict[str, Kind] = {
    "module": Kind.MODULE,
    "class": Kind.CLASS,
    "exception": Kind.EXCEPTION,
    "function": Kind.FUNCTION,
    "method": Kind.METHOD,
    "classmethod": Kind.CLASSMETHOD,
    "staticmethod": Kind.STATICMETHOD,
    "attribute": Kind.ATTRIBUTE,
    "property": Kind.PROPERTY,
    "data": Kind.DATA,
    "decorator": Kind.DECORATOR,
    "decoratormethod": Kind.DECORATOR,
}


@dataclass(frozen=True, slots=True)
class InventoryItem:
    """One ``objects.inv`` line with the ``$`` shorthand of its URI expanded."""

    domain: str
    role: str
    name: str
    priority: int
    page: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Inventory:
    """The project, version and objects of an ``objects.inv``."""

    project: str
    version: str
    items: tuple[InventoryItem, ...]

    def python_objects(self) -> list[tuple[InventoryItem, Kind]]:
        """The ``py:`` objects whose role has a :class:`Kind`, in inventory order."""
        return [
            (item, PY_ROLE_KINDS[item.role])
            for item in self.items
            if item.domain == "py" and item.role in PY_ROLE_KINDS
        ]

    def labels(self) -> dict[str, InventoryItem]:
        """``std:label`` targets by name (the Language Reference's ``with``, ``yield`` ...)."""
        return {i.name: i for i in self.items if i.domain == "std" and i.role == "label"}


def parse_inventory(data: bytes, where: str) -> Inventory:
    """Decode a zlib-compressed v2 inventory; any damage becomes one clear :class:`BuildError`."""
    try:
        raw = sphobjinv.Inventory(zlib=data)
        objects = list(raw.objects)
    except Exception as error:  # sphobjinv raises many types for damaged input
        detail = str(error).strip() or type(error).__name__
        raise BuildError(f"{where} is not a valid Sphinx objects.inv ({detail})") from None
    if not objects:
        raise BuildError(f"{where} lists no documented objects")
    items = []
    for obj in objects:
        page, _, anchor = str(obj.uri_expanded).partition("#")
        items.append(
            InventoryItem(
                domain=str(obj.domain),
                role=str(obj.role),
                name=str(obj.name),
                priority=int(obj.priority),
                page=page,
                anchor=anchor,
            )
        )
    return Inventory(str(raw.project or ""), str(raw.version or ""), tuple(items))


def parent_of(qualname: str) -> str | None:
    """The enclosing module or class: the qualified name without its last component.

    Always the immediate prefix, documented or not: ``curses.window.addch`` belongs to
    ``curses.window`` even though the docs have no entry for that class, so completion after
    a ``curses.window`` receiver finds its methods. ``None`` at top level.
    """
    head, dot, _ = qualname.rpartition(".")
    return head if dot else None
