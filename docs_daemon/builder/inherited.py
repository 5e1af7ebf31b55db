"""Members a class inherits from bases in the same distribution, as aliases.

``werkzeug.Request`` documents only what it defines; ``werkzeug.Request.args`` is defined on
``werkzeug.sansio.request.Request``. The alias leads a lookup there. The order is Python's
(C3 linearisation); a base from outside the distribution may define anything, so the walk
stops at the first one, except for bases that add no members people look up (``object``,
``Generic``, ``Protocol``, ``ABC``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

#: ``(module, path inside it)``: ``("werkzeug.sansio.request", "Request")``.
ClassKey = tuple[str, str]
#: A base is a class of the distribution, or the dotted name of one from elsewhere.
Base = ClassKey | str

_TRANSPARENT = {"object", "Generic", "Protocol", "ABC"}


def _is_transparent(base: Base) -> bool:
    return isinstance(base, str) and base.rpartition(".")[2] in _TRANSPARENT


def linearise(
    key: ClassKey,
    bases_of: Callable[[ClassKey], list[Base]],
    _active: frozenset[ClassKey] = frozenset(),
) -> list[Base] | None:
    """The method resolution order of ``key``; ``None`` when Python would refuse it (or the
    static reading found a cycle)."""
    if key in _active:
        return None
    bases = [b for b in bases_of(key) if not _is_transparent(b)]
    sequences: list[list[Base]] = []
    for base in bases:
        if isinstance(base, str):
            sequences.append([base])
            continue
        order = linearise(base, bases_of, _active | {key})
        if order is None:
            return None
        sequences.append(order)
    sequences.append(list(bases))
    result: list[Base] = [key]
    while any(sequences):
        sequences = [s for s in sequences if s]
        head = next(
            (s[0] for s in sequences if not any(s[0] in other[1:] for other in sequences)), None
        )
        if head is None:
            return None
        result.append(head)
        sequences = [s[1:] if s[0] == head else s for s in sequences]
    return result


def inherited_aliases(
    classes: Mapping[ClassKey, str],
    members: Mapping[ClassKey, Iterable[str]],
    bases_of: Callable[[ClassKey], list[Base]],
    spellings_of: Callable[[ClassKey], Iterable[str]],
    budget: int | None = None,
) -> dict[str, str]:
    """``<spelling of class>.<member>`` → ``<documented base>.<member>`` for every public
    member a class gets from a base and does not define itself (``spellings_of`` says which
    names of the class get aliases). With a ``budget``, classes with the shortest names go
    first and no class is aliased past it (deep hierarchies, like SymPy's, would otherwise
    multiply the docset)."""
    aliases: dict[str, str] = {}
    for key in sorted(classes, key=lambda k: (classes[k].count("."), classes[k])):
        order = linearise(key, bases_of)
        if order is None:
            continue
        seen = set(members.get(key, ()))
        found: dict[str, str] = {}
        for base in order[1:]:
            if isinstance(base, str) or base not in classes:
                break
            for name in members.get(base, ()):
                if name not in seen:
                    seen.add(name)
                    if not name.startswith("_"):
                        found[name] = f"{classes[base]}.{name}"
        spellings = list(spellings_of(key))
        if budget is not None and len(aliases) + len(found) * len(spellings) > budget:
            break
        for spelling in spellings:
            for name, target in found.items():
                aliases.setdefault(f"{spelling}.{name}", target)
    return aliases
