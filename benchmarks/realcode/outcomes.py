"""Judging one answer against one verdict, and the figures the targets are stated in."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from realcode.answers import Answer
from realcode.sites import Site
from realcode.verdicts import DOCUMENTED, Verdict

OUTCOMES = ("right", "wrong", "hedged", "empty", "unparsed")


@dataclass(frozen=True, slots=True)
class Judged:
    site: Site
    verdict: Verdict
    answer: Answer
    #: Warm-pass answer differs from the cold pass (the server is not deterministic).
    unstable: bool
    cold_ms: float
    warm_ms: float
    #: Other names of the oracle's target in the docsets the server built for the installed
    #: packages (a re-export's public name: ``pip._internal.metadata.BaseEnvironment`` for
    #: ``pip._internal.metadata.base.BaseEnvironment``); showing one of them is right.
    aliases: frozenset[str] = frozenset()

    @property
    def documented(self) -> bool:
        return self.verdict.category in DOCUMENTED

    @property
    def decided(self) -> bool:
        return self.verdict.category != "undecided"

    @property
    def outcome(self) -> str:
        kind = self.answer.kind
        if kind == "definite":
            shown = self.answer.names[0]
            expected = self.verdict.target if self.documented else self.verdict.name
            if shown == expected or (not self.documented and shown in self.aliases):
                return "right"
            return "wrong"
        return kind

    @property
    def hedge_has_target(self) -> bool:
        return self.answer.kind == "hedged" and self.verdict.target in self.answer.names

    @property
    def correct(self) -> bool:
        """Right for a documented target; silent (or exactly right) for one without docs."""
        if self.documented:
            return self.outcome == "right"
        return self.outcome in ("empty", "right")


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def quantile(values: Iterable[float], q: float) -> float:
    ordered = sorted(v for v in values if not math.isnan(v))
    if not ordered:
        return math.nan
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def ms(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def definitely_right(judged: Sequence[Judged]) -> tuple[int, int]:
    """(right, positions) over stdlib/builtin positions that have docs."""
    documented = [j for j in judged if j.documented]
    return sum(j.outcome == "right" for j in documented), len(documented)


def hedge_rate(judged: Sequence[Judged]) -> tuple[int, int]:
    """(hedged, positions) over member hovers whose target has no docs (oracle decided)."""
    undocumented = [j for j in judged if j.site.member and j.decided and not j.documented]
    return sum(j.outcome == "hedged" for j in undocumented), len(undocumented)
