"""The jedi internals ``inference/jedi_adapter.py`` relies on: if jedi changes them, this fails
loudly here rather than quietly losing base-class lookups in hovers."""

from __future__ import annotations

import jedi

from docs_daemon.inference.jedi_adapter import FoundName, class_lineage

CODE = """\
import collections
import pathlib
ordered = collections.OrderedDict()
path = pathlib.Path(".")
text = "x"
ordered
path
text
"""


def _inferred(line: int) -> list[object]:
    script = jedi.Script(CODE, path="/nowhere/example.py")
    return list(script.infer(line, 1))


def test_the_private_members_used_exist() -> None:
    (name,) = _inferred(8)
    values = list(name._name.infer())
    assert values, "jedi.api.classes.Name._name.infer() gave nothing"
    value = values[0]
    for member in ("is_instance", "py__class__"):
        assert callable(getattr(value, member, None)), member
    assert value.is_instance()
    cls = value.py__class__()
    for member in ("is_class", "py__mro__", "get_qualified_names", "get_root_context"):
        assert callable(getattr(cls, member, None)), member
    assert cls.is_class()
    root = cls.get_root_context()
    assert callable(getattr(root, "py__name__", None))
    assert callable(getattr(root, "py__file__", None))


def test_lineage_is_the_method_resolution_order() -> None:
    (ordered,) = _inferred(6)[:1]
    lineage = class_lineage(ordered)
    assert [(found.module, found.qualname) for found in lineage][:2] in (
        [("collections", "OrderedDict"), ("builtins", "dict")],
        [("_collections", "OrderedDict"), ("builtins", "dict")],
    )
    (path,) = _inferred(7)[:1]
    assert [(f.module, f.qualname) for f in class_lineage(path)][:2] == [
        ("pathlib", "Path"),
        ("pathlib", "PurePath"),
    ]
    assert all(isinstance(found, FoundName) for found in lineage)
