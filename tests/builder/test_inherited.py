"""Method resolution order as the docstring builder computes it from base names alone."""

from __future__ import annotations

from docs_daemon.builder.inherited import Base, ClassKey, inherited_aliases, linearise

A, B, C, D = ("m", "A"), ("m", "B"), ("m", "C"), ("m", "D")


def bases(table: dict[ClassKey, list[Base]]) -> object:
    return lambda key: table[key]


def test_diamond_follows_c3() -> None:
    table: dict[ClassKey, list[Base]] = {A: ["object"], B: [A], C: [A], D: [B, C]}
    assert linearise(D, bases(table)) == [D, B, C, A]  # type: ignore[arg-type]


def test_inconsistent_order_and_cycles_give_none() -> None:
    table: dict[ClassKey, list[Base]] = {A: [], B: [A], C: [A, B]}
    assert linearise(C, bases(table)) is None  # type: ignore[arg-type]
    assert linearise(A, bases({A: [B], B: [A]})) is None  # type: ignore[arg-type]


def test_members_stop_at_a_base_from_elsewhere() -> None:
    """dict may define ``get``: nothing past it is attributed."""
    table: dict[ClassKey, list[Base]] = {A: [], B: ["dict", A], C: [B], D: ["typing.Generic", A]}
    classes = {A: "pkg.A", B: "pkg.B", C: "pkg.C", D: "pkg.D"}
    members = {A: ["get", "_private", "shared"], B: ["own"], C: ["shared"], D: []}
    aliases = inherited_aliases(classes, members, bases(table), lambda key: [classes[key]])  # type: ignore[arg-type]
    assert aliases == {
        "pkg.C.own": "pkg.B.own",  # C → B, then dict: stop
        "pkg.D.get": "pkg.A.get",  # Generic adds nothing
        "pkg.D.shared": "pkg.A.shared",
    }


def test_budget_keeps_the_shortest_names() -> None:
    table: dict[ClassKey, list[Base]] = {A: [], B: [A], C: [A]}
    classes = {A: "pkg.A", B: "pkg.sub.B", C: "pkg.C"}
    members = {A: ["one", "two"], B: [], C: []}
    aliases = inherited_aliases(
        classes,
        members,
        bases(table),
        lambda key: [classes[key]],
        budget=3,  # type: ignore[arg-type]
    )
    assert aliases == {"pkg.C.one": "pkg.A.one", "pkg.C.two": "pkg.A.two"}
