"""The Markdown report and the per-position JSON of one accuracy run."""

from __future__ import annotations

import datetime
import os
import platform
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jedi

from realcode.answers import Answer
from realcode.corpus import PINS
from realcode.drive import Hovered, Isolation
from realcode.outcomes import (
    OUTCOMES,
    Judged,
    definitely_right,
    hedge_rate,
    ms,
    percent,
    quantile,
)
from realcode.sites import DATA_FLOW, SHAPE_LABELS, SHAPES, Shadow, Site
from realcode.verdicts import CATEGORIES, CATEGORY_LABELS

EXAMPLES_PER_CLASS = 2
CLASSES_SHOWN = 25


@dataclass(frozen=True, slots=True)
class Context:
    command: str
    server: str
    quick: bool
    elapsed: float
    oracle_seconds: float
    files: int
    bare_names: int
    returncode: int
    #: Qualified names of the standard library's docs: a shadowing name shown one is wrong.
    stdlib: frozenset[str] = frozenset()


def report(
    context: Context,
    judged: Sequence[Judged],
    scan: Sequence[tuple[Shadow, Answer]],
    hovered: Hovered,
    isolated: Isolation,
    peers: Sequence[tuple[str, Sequence[Site], Hovered]],
) -> str:
    right, documented = definitely_right(judged)
    hedged, undocumented = hedge_rate(judged)
    wrong_scan = _wrong_in_scan(scan, context.stdlib)
    lines = [
        "# Real-code accuracy",
        "",
        f"Made by `{context.command}` in {context.elapsed:.0f} s (oracle "
        f"{context.oracle_seconds:.0f} s, cached after the first run). Server: "
        f"{context.server}. {'**Quick subset.** ' if context.quick else ''}"
        "How it works and how to rerun: [`benchmarks/README.md`](../README.md#real-code-accuracy).",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average at the end "
        + " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "- code: " + ", ".join(f"{n} {v}" for n, v in PINS.items()) + f" ({context.files} files,"
        " vendored copies left out); oracle: jedi "
        + jedi.__version__
        + " `goto(follow_imports=True)`"
        " with those packages as its environment",
        f"- positions: {len(judged)} sampled (seeded, stratified by shape), "
        f"{sum(not j.decided for j in judged)} of them oracle-undecided (excluded from right/"
        f"wrong); shadowing scan: {len(scan)} occurrences in files with "
        f"{context.bare_names} bare names",
        "",
        "## Targets",
        "",
        "| measure | target | this run |",
        "|---|---|---|",
        f"| wrong definite answers in the shadowing scan | 0 | **{len(wrong_scan)}** of "
        f"{len(scan)} ({_per_thousand(len(wrong_scan), len(scan))} per 1,000 shadowing names; "
        f"{_per_thousand(len(wrong_scan), context.bare_names)} per 1,000 bare names) |",
        f"| definitely right on stdlib/builtin positions with docs | ≥ 97% | **"
        f"{percent(right, documented)}** ({right}/{documented}) |",
        *(
            f"| … {SHAPE_LABELS[shape]} | ≥ 90% | {_shape_right(judged, shape)} |"
            for shape in SHAPES
            if shape != "other"
        ),
        f"| hedged lists on member hovers whose target is not in the docs | ≤ 5% | **"
        f"{percent(hedged, undocumented)}** ({hedged}/{undocumented}) |",
        *_speed_targets(judged, hovered, isolated),
        "",
        "## Per category",
        "",
        "Right = the definite entry shown is the oracle's (for a third-party or same-package "
        "target: exactly the oracle's full name); wrong = any other definite entry (a stdlib "
        "entry on a third-party name, any entry on a stdlib target without docs); hedged = the "
        "candidates list (in brackets: lists holding the right entry); correct = right for a "
        "documented target, empty or right for one without stdlib docs.",
        "",
        *_table(judged, "category", [(c, CATEGORY_LABELS[c]) for c in CATEGORIES]),
        "",
        "## Per shape (oracle-decided positions)",
        "",
        *_table([j for j in judged if j.decided], "shape", [(s, SHAPE_LABELS[s]) for s in SHAPES]),
        "",
        "### Per shape, stdlib/builtin positions with docs only",
        "",
        *_table(
            [j for j in judged if j.documented], "shape", [(s, SHAPE_LABELS[s]) for s in SHAPES]
        ),
        "",
        *_shadow_section(scan, context.bare_names, context.stdlib),
        *_speed_section(judged, hovered, isolated, peers),
        *_examples(judged),
        *_stability(judged, hovered, context.returncode),
    ]
    return "\n".join(lines) + "\n"


def _per_thousand(part: int, whole: int) -> str:
    return f"{1000 * part / whole:.1f}" if whole else "—"


def _shape_right(judged: Sequence[Judged], shape: str) -> str:
    right, total = definitely_right([j for j in judged if j.site.shape == shape])
    return f"{percent(right, total)} ({right}/{total})"


def _table(judged: Sequence[Judged], by: str, rows: list[tuple[str, str]]) -> list[str]:
    lines = [
        "| | positions | right | wrong | hedged | empty | unparsed | correct |",
        "|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        groups[j.verdict.category if by == "category" else j.site.shape].append(j)
    for key, label in [*rows, ("", "**all**")]:
        group = list(judged) if not key else groups.get(key, [])
        if not group:
            continue
        counts = Counter(j.outcome for j in group)
        with_target = sum(j.hedge_has_target for j in group)
        cells = [str(len(group))]
        for outcome in OUTCOMES:
            cell = f"{counts[outcome]} ({percent(counts[outcome], len(group))})"
            if outcome == "hedged" and counts[outcome]:
                cell += f" [{with_target}]"
            cells.append(cell)
        decided = [j for j in group if j.decided]
        correct = sum(j.correct for j in decided)
        cells.append(percent(correct, len(decided)) if decided else "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _wrong_in_scan(
    scan: Sequence[tuple[Shadow, Answer]], stdlib: frozenset[str]
) -> list[tuple[Shadow, Answer]]:
    """Shadowing names shown a standard-library entry (a library's own docs of the object
    the name really is, e.g. a relative import of the package's ``select``, is not a namesake)."""
    return [(s, a) for s, a in scan if a.kind == "definite" and a.names[0] in stdlib]


def _shadow_section(
    scan: Sequence[tuple[Shadow, Answer]], bare_names: int, stdlib: frozenset[str]
) -> list[str]:
    wrong = _wrong_in_scan(scan, stdlib)
    library = sum(a.kind == "definite" and a.names[0] not in stdlib for _, a in scan)
    hedged = sum(a.kind == "hedged" for _, a in scan)
    by_binding: Counter[str] = Counter()
    for shadow, _ in wrong:
        by_binding[shadow.binding] += 1
    by_name: Counter[str] = Counter(s.name for s, _ in wrong)
    lines = [
        "## Shadowing scan",
        "",
        "Every occurrence of a bare name that the file binds itself (parameter, assignment, "
        "loop/with/except target, comprehension, def/class, relative import, global) and that "
        "is also a builtin or a stdlib module name; bindings by an absolute import are left out "
        "(they may bind the namesake itself), as are relative imports of a module that re-exports "
        "the stdlib object. Any answer from the standard library's docs is wrong; an answer "
        "from a docset of the installed packages (the package's own object, e.g. a relative "
        "import of its `select`) is counted apart.",
        "",
        f"- occurrences: {len(scan)}; **wrong: {len(wrong)}** "
        f"({_per_thousand(len(wrong), len(scan))} per 1,000 of them, "
        f"{_per_thousand(len(wrong), bare_names)} per 1,000 bare names read); "
        f"hedged: {hedged}; shown the installed package's own docs: {library}",
    ]
    if wrong:
        lines.append(
            "- wrong by binding: "
            + ", ".join(f"{binding} {count}" for binding, count in by_binding.most_common(12))
        )
        lines.append(
            "- wrong by name: "
            + ", ".join(f"`{name}` {count}" for name, count in by_name.most_common(20))
        )
        lines.append("- examples:")
        seen: set[tuple[str, str]] = set()
        for shadow, answer in wrong:
            if (shadow.name, shadow.binding) in seen or len(seen) >= 15:
                continue
            seen.add((shadow.name, shadow.binding))
            lines.append(
                f"  - `{shadow.key}` `{shadow.name}` ({shadow.binding}) shown `{answer.names[0]}`"
            )
    return [*lines, ""]


def _speed_targets(judged: Sequence[Judged], hovered: Hovered, isolated: Isolation) -> list[str]:
    direct = [j.warm_ms for j in judged if j.site.shape == "direct"]
    flow = [j.warm_ms for j in judged if j.site.shape in DATA_FLOW]
    return [
        f"| direct-reference hover median (warm) | ≤ 0.5 ms | {ms(quantile(direct, 0.5))} |",
        f"| data-flow hover median / p99 (warm file) | ≤ 5 ms / ≤ 50 ms | "
        f"{ms(quantile(flow, 0.5))} / {ms(quantile(flow, 0.99))} |",
        f"| first data-flow hover in a newly opened file (median over files) | ≤ 300 ms | "
        f"{ms(quantile(_firsts(hovered), 0.5))} |",
        f"| direct hover p99 alone → while new files are inferred | no blocking | "
        f"{ms(quantile(isolated.alone, 0.99))} → {ms(quantile(isolated.concurrent, 0.99))} |",
    ]


def _speed_rows(name: str, judged: Sequence[Judged], hovered: Hovered) -> list[str]:
    rows = []
    for label, chosen in (
        ("direct", [j for j in judged if j.site.shape == "direct"]),
        ("data flow", [j for j in judged if j.site.shape in DATA_FLOW]),
    ):
        cold = [j.cold_ms for j in chosen]
        warm = [j.warm_ms for j in chosen]
        rows.append(
            f"| {name} | {label} | {len(chosen)} | {ms(quantile(warm, 0.5))} | "
            f"{ms(quantile(warm, 0.99))} | {ms(quantile(cold, 0.5))} | {ms(quantile(cold, 0.99))} |"
        )
    first = _firsts(hovered)
    rows.append(
        f"| {name} | first data-flow hover after didOpen | {len(first)} files | "
        f"{ms(quantile(first, 0.5))} | {ms(quantile(first, 0.99))} | | |"
    )
    return rows


def _speed_section(
    judged: Sequence[Judged],
    hovered: Hovered,
    isolated: Isolation,
    peers: Sequence[tuple[str, Sequence[Site], Hovered]],
) -> list[str]:
    lines = [
        "## Speed (same run)",
        "",
        "Sequential hovers over the stdio pipe, timed by the client. Warm = the second pass over "
        "a file's positions; cold = the first pass right after didOpen. The machine is shared "
        "and noisy: compare ratios within one run.",
        "",
        "| server | positions | n | warm median | warm p99 | cold median | cold p99 |",
        "|---|---|---|---|---|---|---|",
        *_speed_rows("docs-daemon", judged, hovered),
    ]
    by_key = {j.site.key: j for j in judged}
    for name, subset, peer in peers:
        keys = {site.key for site in subset}
        ours = [by_key[k] for k in sorted(keys)]
        peer_judged = [
            Judged(
                j.site,
                j.verdict,
                j.answer,
                False,
                peer.answers[j.site.key][1],
                peer.answers[j.site.key][3],
            )
            for j in ours
            if j.site.key in peer.answers
        ]
        lines += [
            f"| docs-daemon (same {len(ours)} positions) | direct | "
            f"{sum(j.site.shape == 'direct' for j in ours)} | "
            + " | ".join(_quartet([j for j in ours if j.site.shape == "direct"]))
            + " |",
            f"| docs-daemon (same {len(ours)} positions) | data flow | "
            f"{sum(j.site.shape in DATA_FLOW for j in ours)} | "
            + " | ".join(_quartet([j for j in ours if j.site.shape in DATA_FLOW]))
            + " |",
            *_speed_rows(name, peer_judged, peer),
        ]
        if peer.errors:
            lines.append(f"| {name} errors | {len(peer.errors)} | {peer.errors[0][:80]} | | | | |")
    slowest = sorted(hovered.first_in_file, key=lambda item: -item[1])[:3]
    lines += [
        "",
        "Slowest first data-flow hovers after didOpen (docs-daemon): "
        + ", ".join(f"`{path}` {ms(value)}" for path, value in slowest),
        "",
        f"Event loop: {len(isolated.alone)} direct hovers on one warm file, alone, then while "
        "another task keeps reopening other sampled files (changed text) and asking each for a "
        f"data-flow hover ({len(isolated.background)} such hovers ran, median "
        f"{ms(quantile(isolated.background, 0.5))}).",
        "",
        "| direct hovers | median | p99 |",
        "|---|---|---|",
        f"| alone | {ms(quantile(isolated.alone, 0.5))} | {ms(quantile(isolated.alone, 0.99))} |",
        f"| while files are inferred | {ms(quantile(isolated.concurrent, 0.5))} | "
        f"{ms(quantile(isolated.concurrent, 0.99))} |",
        "",
    ]
    if hovered.errors:
        lines += [f"Server errors ({len(hovered.errors)}): {hovered.errors[0]}", ""]
    return lines


def _firsts(hovered: Hovered) -> list[float]:
    return [value for _, value in hovered.first_in_file]


def _quartet(chosen: Sequence[Judged]) -> list[str]:
    warm = [j.warm_ms for j in chosen]
    cold = [j.cold_ms for j in chosen]
    return [
        ms(quantile(warm, 0.5)),
        ms(quantile(warm, 0.99)),
        ms(quantile(cold, 0.5)),
        ms(quantile(cold, 0.99)),
    ]


def _examples(judged: Sequence[Judged]) -> list[str]:
    """Wrong and hedged answers grouped into classes (shape, target kind, what was shown)."""
    classes: dict[tuple[str, str, str], list[Judged]] = defaultdict(list)
    for j in judged:
        if not j.decided or j.outcome not in ("wrong", "hedged", "empty"):
            continue
        if j.outcome == "empty" and not j.documented:
            continue
        if j.outcome == "wrong":
            shown = "stdlib entry" if j.documented else "an entry"
            kind = f"wrong: {shown} for a {j.verdict.category} target"
        elif j.outcome == "hedged":
            kind = "hedged, right one listed" if j.hedge_has_target else "hedged, right one absent"
            kind += f" ({j.verdict.category} target)"
        else:
            kind = "empty on a documented target"
        classes[(kind, j.site.shape, "member" if j.site.member else "bare name")].append(j)
    ordered = sorted(classes.items(), key=lambda item: (-len(item[1]), item[0]))
    lines = [
        "## Classes of errors",
        "",
        "Grouped by what went wrong, the shape, and whether the hovered name is a member "
        "(`x.member`) or a bare name; largest first, with examples (file:line:column under "
        "site-packages, what was shown, what the oracle says).",
        "",
        "| class | shape | name | count |",
        "|---|---|---|---|",
        *(f"| {k[0]} | {k[1]} | {k[2]} | {len(v)} |" for k, v in ordered[:CLASSES_SHOWN]),
        "",
        "Examples:",
        "",
    ]
    for (kind, shape, where), group in ordered[:CLASSES_SHOWN]:
        lines.append(f"- **{kind}**, {shape}, {where}:")
        for j in group[:EXAMPLES_PER_CLASS]:
            shown = ", ".join(j.answer.names) or "nothing"
            expected = j.verdict.target or "no entry"
            lines.append(
                f"  - `{j.site.key}` `{j.site.name}`: shown {shown}; expected {expected} "
                f"(oracle: {j.verdict.said})"
            )
    return [*lines, ""]


def _stability(judged: Sequence[Judged], hovered: Hovered, returncode: int) -> list[str]:
    unstable = [j for j in judged if j.unstable]
    unparsed = [j for j in judged if j.outcome == "unparsed"]
    lines = ["## Checks", ""]
    lines.append(
        f"- answers that differ between the cold and warm pass: {len(unstable)}"
        + (f" (e.g. `{unstable[0].site.key}`)" if unstable else "")
    )
    lines.append(f"- hovers this benchmark could not read: {len(unparsed)}")
    lines.append(f"- request errors: {len(hovered.errors)}; server exit code: {returncode}")
    lines.append(
        "- the oracle's own accuracy, hand-checked: see "
        "[accuracy-oracle-check.md](accuracy-oracle-check.md)"
    )
    return [*lines, ""]


def positions_json(
    judged: Sequence[Judged], scan: Sequence[tuple[Shadow, Answer]]
) -> dict[str, Any]:
    return {
        "positions": [
            {
                "key": j.site.key,
                "name": j.site.name,
                "shape": j.site.shape,
                "member": j.site.member,
                "category": j.verdict.category,
                "target": j.verdict.target,
                "oracle": j.verdict.said,
                "answer": j.answer.kind,
                "shown": list(j.answer.names),
                "outcome": j.outcome,
                "cold_ms": round(j.cold_ms, 3),
                "warm_ms": round(j.warm_ms, 3),
            }
            for j in judged
        ],
        "shadowing": [
            {
                "key": s.key,
                "name": s.name,
                "binding": s.binding,
                "answer": a.kind,
                "shown": list(a.names),
            }
            for s, a in scan
        ],
    }
