"""The ``intersphinx-registry`` package's list of documentation sites, as candidate sites.

The registry maps short project names (``numpy``, ``django``, ``jinja``) to the published docs
root and, rarely, an inventory at another place (Django's ``_objects/``). Its keys are not
always distribution names, so a distribution is looked up by its normalised name, its
import names and its name without a trailing version digit (``jinja2`` -> ``jinja``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from intersphinx_registry import get_intersphinx_mapping

_TRAILING_DIGITS = re.compile(r"\d+$")


@dataclass(frozen=True, slots=True)
class RegisteredSite:
    """A docs root and where its ``objects.inv`` is, relative to that root."""

    key: str
    root: str
    inventory: str


def registered_site(names: Iterable[str]) -> RegisteredSite | None:
    """The first registry entry among ``names`` and their variants."""
    for key in _keys(names):
        try:
            mapping = get_intersphinx_mapping(packages={key})
        except ValueError:  # the registry's way of saying "not listed"
            continue
        root, inventory = mapping[key]
        root = root if root.endswith("/") else root + "/"
        relative = "objects.inv"
        if inventory and inventory.startswith(root):
            relative = inventory[len(root) :] or "objects.inv"
        return RegisteredSite(key, root, relative)
    return None


def _keys(names: Iterable[str]) -> list[str]:
    keys: list[str] = []
    for name in names:
        for variant in (name, name.lower(), name.lower().replace("_", "-"), name.replace("-", "_")):
            for key in (variant, _TRAILING_DIGITS.sub("", variant)):
                if key and key not in keys:
                    keys.append(key)
    return keys
