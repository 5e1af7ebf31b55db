"""The one place that reaches into jedi's internals: the classes an inferred value inherits from.

jedi's public API tells what a name is (``goto``/``infer`` give ``builtins.str.split``), but not
the base classes of an inferred type, which the docs need when a method is documented on a
base (``collections.OrderedDict().items`` is ``dict.items``). ``tests/unit/test_jedi_adapter.py``
fails loudly if the internals used here change.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class FoundName(NamedTuple):
    """A definition inference found: its module and its dotted name inside the module."""

    module: str
    qualname: str
    #: The file it is defined in (None for compiled modules).
    path: str | None


def _qualified(value: Any) -> FoundName | None:
    names = value.get_qualified_names()
    if not names:
        return None
    module = value.get_root_context().py__name__()
    path = value.get_root_context().py__file__()
    return FoundName(module or "", ".".join(names), None if path is None else str(path))


def class_lineage(name: Any) -> list[FoundName]:
    """The classes (method resolution order, duplicates dropped) of what ``name`` infers to.

    ``name`` is a ``jedi.api.classes.Name`` from ``Script.infer``; an instance stands for its
    class. Values jedi cannot describe are skipped.
    """
    lineage: list[FoundName] = []
    for value in name._name.infer():
        cls = value.py__class__() if value.is_instance() else value
        if not cls.is_class():
            continue
        for base in cls.py__mro__():
            found = _qualified(base)
            if found is not None and found not in lineage:
                lineage.append(found)
    return lineage
